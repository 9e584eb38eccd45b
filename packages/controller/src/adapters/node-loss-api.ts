// The API calls of node-loss recovery: one consistent look at Nodes, PVs, claims and StorageClasses, and the three
// writes (delete a claim, release a PV's provisioner finalizer, delete a PV). Each call has a deadline; a 404 on a
// write means someone else finished it.
import { CoreV1Api, StorageV1Api, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { httpStatusOf, withDeadline } from '@openlocal/kube-runtime';
import { PROVISIONER_PV_FINALIZER, type ClaimLike, type PvWithMeta } from '../core/node-loss.js';

const DEADLINE_MS = 30_000;

export interface NodeLossSnapshot {
  nodes: Set<string>;
  pvs: PvWithMeta[];
  claims: ClaimLike[];
  classes: { metadata?: { name?: string }; provisioner?: string }[];
}

export interface NodeLossApi {
  snapshot(): Promise<NodeLossSnapshot>;
  deleteClaim(namespace: string, name: string): Promise<void>;
  releasePv(name: string): Promise<void>;
  deletePv(name: string): Promise<void>;
}

async function ignoreNotFound(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (httpStatusOf(error) !== 404) throw error;
  }
}

export function createNodeLossApi(kubeConfig: KubeConfig): NodeLossApi {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const storage = kubeConfig.makeApiClient(StorageV1Api);
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    async snapshot() {
      // Nodes last: a PV or claim listed before a Node it names was created is then judged with that Node present.
      const [pvs, claims, classes] = await withDeadline('list PVs, claims and StorageClasses', DEADLINE_MS, Promise.all([
        core.listPersistentVolume(), core.listPersistentVolumeClaimForAllNamespaces(), storage.listStorageClass(),
      ]));
      const nodes = await withDeadline('list Nodes', DEADLINE_MS, core.listNode());
      return {
        nodes: new Set(nodes.items.map((n) => n.metadata?.name ?? '')),
        pvs: pvs.items as PvWithMeta[],
        claims: claims.items as ClaimLike[],
        classes: classes.items,
      };
    },
    deleteClaim: (namespace, name) => ignoreNotFound(withDeadline(`delete claim ${namespace}/${name}`, DEADLINE_MS, core.deleteNamespacedPersistentVolumeClaim({ namespace, name }))),
    async releasePv(name) {
      const pv = await withDeadline(`read PV ${name}`, DEADLINE_MS, core.readPersistentVolume({ name }));
      const finalizers = (pv.metadata?.finalizers ?? []).filter((f) => f !== PROVISIONER_PV_FINALIZER);
      // The resourceVersion makes this a compare-and-swap: a finalizer added meanwhile is not dropped (409, retried).
      const body = { metadata: { finalizers, resourceVersion: pv.metadata?.resourceVersion } };
      await ignoreNotFound(withDeadline(`release PV ${name}`, DEADLINE_MS, core.patchPersistentVolume({ name, body }, mergePatch)));
    },
    deletePv: (name) => ignoreNotFound(withDeadline(`delete PV ${name}`, DEADLINE_MS, core.deletePersistentVolume({ name }))),
  };
}
