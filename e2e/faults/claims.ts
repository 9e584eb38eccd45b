// The fault suite's claims and pods, and API calls that ride out a restarting kube-apiserver: each call is
// retried until it lands (an object that already exists, or is already gone, counts as done).
import { CoreV1Api, type KubeConfig, type V1PersistentVolume } from '@kubernetes/client-node';
import { PROVISIONER_NAMES, TOPOLOGY_KEY } from '@openlocal/crd-types';
import type { DriverPv } from './invariants.js';

const IMAGE = 'registry.invalid/never-pulled:0';

function codeOf(error: unknown): number | undefined {
  return (error as { code?: number }).code;
}

/** Runs `call` until it succeeds, `isDone` accepts its error, or `timeoutMs` passes (then throws naming `what`). */
export async function retrying<T>(what: string, call: () => Promise<T>, options: { timeoutMs?: number; isDone?: (code: number | undefined) => boolean } = {}): Promise<T | undefined> {
  const deadline = performance.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (options.isDone?.(codeOf(error))) return undefined;
      if (performance.now() > deadline) throw new Error(`${what}: still failing after the deadline`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export class Claims {
  private readonly core: CoreV1Api;

  constructor(kubeConfig: KubeConfig, private readonly namespace: string) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  async createNamespace(): Promise<void> {
    await retrying('create namespace', () => this.core.createNamespace({ body: { metadata: { name: this.namespace } } }), { isDone: (c) => c === 409 });
  }

  /** A claim of `sizeMiB` in `storageClass` and a pod that uses it (WaitForFirstConsumer: the pod places it). */
  async create(name: string, sizeMiB: number, storageClass: string): Promise<void> {
    const { namespace } = this;
    await retrying(`create claim ${name}`, () => this.core.createNamespacedPersistentVolumeClaim({
      namespace, body: { metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: storageClass, resources: { requests: { storage: `${sizeMiB}Mi` } } } },
    }), { isDone: (c) => c === 409 });
    await retrying(`create pod ${name}`, () => this.core.createNamespacedPod({
      namespace, body: { metadata: { name }, spec: { containers: [{ name: 'app', image: IMAGE }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: name } }] } },
    }), { isDone: (c) => c === 409 });
  }

  /** The claim's PV name once it is Bound, polling until `timeoutMs`; undefined when it never was. */
  async waitBound(name: string, timeoutMs: number): Promise<string | undefined> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const claim = await this.core.readNamespacedPersistentVolumeClaim({ name, namespace: this.namespace }).catch(() => undefined);
      if (claim?.status?.phase === 'Bound' && claim.spec?.volumeName) return claim.spec.volumeName;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return undefined;
  }

  /** Deletes the pod at once (no kubelet confirms its end, as `kubectl delete --force`) and then the claim. */
  async delete(name: string): Promise<void> {
    const { namespace } = this;
    await retrying(`delete pod ${name}`, () => this.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }), { isDone: (c) => c === 404 });
    await retrying(`delete claim ${name}`, () => this.core.deleteNamespacedPersistentVolumeClaim({ name, namespace }), { isDone: (c) => c === 404 });
  }

  /** Claim names in the namespace with their phase. */
  async phases(): Promise<Map<string, string>> {
    const list = await this.core.listNamespacedPersistentVolumeClaim({ namespace: this.namespace });
    return new Map(list.items.map((c) => [c.metadata?.name ?? '?', c.status?.phase ?? '?']));
  }

  /** Every PV of our driver, with its node and phase. */
  async driverPvs(): Promise<(DriverPv & { phase: string })[]> {
    const list = await this.core.listPersistentVolume();
    return list.items.filter((pv) => PROVISIONER_NAMES.includes(pv.spec?.csi?.driver ?? '')).map((pv) => ({
      name: pv.metadata?.name ?? '?', node: nodeOf(pv), volumeHandle: pv.spec?.csi?.volumeHandle ?? '?', phase: pv.status?.phase ?? '?',
    }));
  }

  async deletePv(name: string): Promise<void> {
    await retrying(`delete PV ${name}`, () => this.core.deletePersistentVolume({ name }), { isDone: (c) => c === 404 });
  }
}

/** The node a local PV's required node affinity names. */
function nodeOf(pv: V1PersistentVolume): string {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms ?? [];
  const expression = terms.flatMap((t) => t.matchExpressions ?? []).find((e) => e.key === TOPOLOGY_KEY);
  return expression?.values?.[0] ?? '?';
}
