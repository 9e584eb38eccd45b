// Node-loss recovery (#16, opt-in: the controller's --node-loss-recovery) on the real control plane: a
// StatefulSet pod sits on a node whose Node object is then deleted for good. kube-controller-manager's pod GC
// removes the pod, our controller deletes the claim of its local volume (and the PV) once the grace has passed,
// the StatefulSet controller re-creates both, and kube-scheduler places the new claim on the other node. A claim
// of another driver on the lost node is left alone. The test plays external-provisioner's part (it creates each
// PV on the node kube-scheduler chose), as statefulset-scheduling.test.ts does.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, StorageV1Api, type KubeConfig, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { expect, onTestFinished } from 'vitest';
import { appProcessSpec, applyManifests, ProcessGroup, SimulatedNodes, waitFor } from '../cluster/index.js';
import { clusterInfo, clusterTest, describeCluster } from './harness.js';

const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const PROVISIONER_FINALIZER = 'external-provisioner.volume.kubernetes.io/finalizer';

function localPv(options: { name: string; node: string; className: string; claim?: V1PersistentVolumeClaim; driver?: string }): object {
  const { name, node, className, claim, driver = 'local.csi.aliyun.com' } = options;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    // external-provisioner puts this finalizer on PVs it will delete; only a provisioner on the node removes it.
    metadata: { name, finalizers: [PROVISIONER_FINALIZER] },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: 'Delete',
      storageClassName: className,
      csi: { driver, volumeHandle: name, fsType: 'ext4', volumeAttributes: { volumeType: 'LVM', vgName: 'pool' } },
      ...(claim === undefined ? {} : { claimRef: { namespace: claim.metadata?.namespace, name: claim.metadata?.name, uid: claim.metadata?.uid } }),
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}

function statefulSet(className: string, tag: string): object {
  const labels = { app: 'lost-web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'lost-web' },
    spec: {
      replicas: 1,
      serviceName: 'lost-web',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          nodeSelector: { 'openlocal.e2e/simulated': tag },
          // Pods on simulated nodes never run; pod GC must not wait for a graceful stop that never comes.
          terminationGracePeriodSeconds: 0,
          containers: [{ name: 'app', image: 'registry.invalid/never-pulled:0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: className, resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

// Waits for the claim data-lost-web-0 to be placed (selected-node set) and returns it, with a uid other than `not`.
async function placedClaim(kubeConfig: KubeConfig, namespace: string, not?: string): Promise<V1PersistentVolumeClaim> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return waitFor({ what: `claim data-lost-web-0 in ${namespace} placed${not === undefined ? '' : ' (a new one)'}`, timeoutMs: 150_000, intervalMs: 1000 }, async () => {
    const claim = await core.readNamespacedPersistentVolumeClaim({ namespace, name: 'data-lost-web-0' }).catch(() => undefined);
    const isNew = claim !== undefined && claim.metadata?.uid !== not && claim.metadata?.deletionTimestamp === undefined;
    if (isNew && claim.metadata?.annotations?.[SELECTED_NODE] !== undefined) return { done: true, value: claim };
    return { done: false, observed: { uid: claim?.metadata?.uid, annotations: claim?.metadata?.annotations, deleting: claim?.metadata?.deletionTimestamp } };
  });
}

async function podNode(kubeConfig: KubeConfig, namespace: string, node: string): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return waitFor({ what: `pod lost-web-0 bound to node ${node}`, timeoutMs: 60_000, intervalMs: 1000 }, async () => {
    const pod = await core.readNamespacedPod({ namespace, name: 'lost-web-0' }).catch(() => undefined);
    return pod?.spec?.nodeName === node ? { done: true, value: node } : { done: false, observed: pod?.spec?.nodeName };
  });
}

describeCluster('node-loss recovery (controller --node-loss-recovery)', () => {
  clusterTest('a StatefulSet pod on a deleted node gets a new claim on another node; other drivers\' claims stay', async ({ kubeConfig, namespace }) => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    const suffix = randomBytes(3).toString('hex');
    const tag = `nodeloss-${suffix}`;
    const [lost, spare] = [`lost-${suffix}`, `spare-${suffix}`];
    const className = `nodeloss-${suffix}`;
    const otherClass = `other-${suffix}`;
    // Each node on its own heartbeat, so the lost one can stop alone; only this test's pods select them.
    const lostBeats = new SimulatedNodes(kubeConfig);
    const spareBeats = new SimulatedNodes(kubeConfig);
    const processes = new ProcessGroup(clusterInfo?.runDir ?? '.');
    onTestFinished(async () => {
      await processes.stopAll();
      await lostBeats.stop();
      await spareBeats.stop();
      for (const name of [lost, spare]) await core.deleteNode({ name }).catch(() => undefined);
      for (const name of [className, otherClass]) await storage.deleteStorageClass({ name }).catch(() => undefined);
      for (const pv of (await core.listPersistentVolume()).items.filter((p) => p.spec?.storageClassName === className || p.spec?.storageClassName === otherClass)) {
        await core.patchPersistentVolume({ name: pv.metadata?.name ?? '', body: { metadata: { finalizers: null } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch)).catch(() => undefined);
        await core.deletePersistentVolume({ name: pv.metadata?.name ?? '' }).catch(() => undefined);
      }
    });
    await lostBeats.add([{ name: lost, labels: { 'openlocal.e2e/simulated': tag } }]);
    await storage.createStorageClass({ body: { metadata: { name: className }, provisioner: 'local.csi.aliyun.com', volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', parameters: { volumeType: 'LVM' } } });
    await storage.createStorageClass({ body: { metadata: { name: otherClass }, provisioner: 'other.example.com', volumeBindingMode: 'Immediate' } });

    // The pod's claim is placed on the only node, and "provisioned" there.
    await applyManifests(kubeConfig, statefulSet(className, tag), { namespace });
    const first = await placedClaim(kubeConfig, namespace);
    expect(first.metadata?.annotations?.[SELECTED_NODE]).toBe(lost);
    const firstPv = `pv-${first.metadata?.uid ?? ''}`;
    await applyManifests(kubeConfig, localPv({ name: firstPv, node: lost, className, claim: first }));
    await podNode(kubeConfig, namespace, lost);
    // A claim of another driver whose volume is on the same node: never ours to delete.
    const otherPv = `other-${suffix}`;
    const otherClaim = await core.createNamespacedPersistentVolumeClaim({
      namespace, body: { metadata: { name: 'other-driver' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: otherClass, volumeName: otherPv, resources: { requests: { storage: '1Gi' } } } },
    });
    await applyManifests(kubeConfig, localPv({ name: otherPv, node: lost, className: otherClass, claim: otherClaim, driver: 'other.example.com' }));

    await spareBeats.add([{ name: spare, labels: { 'openlocal.e2e/simulated': tag } }]);
    const controller = await processes.start(appProcessSpec({
      name: `controller-nodeloss-${suffix}`, packageName: '@openlocal/controller',
      args: ['--kubeconfig', clusterInfo?.kubeconfigPath ?? '', '--no-leader-elect', '--http-host', '127.0.0.1', '--http-port', '0',
        '--node-loss-recovery', '--node-loss-grace', '5s', '--node-loss-interval', '1s'],
    }));

    // The node is gone for good: no more heartbeats, and its Node object deleted.
    await lostBeats.stop();
    await core.deleteNode({ name: lost });
    const deletedAt = Date.now();
    const second = await placedClaim(kubeConfig, namespace, first.metadata?.uid);
    const replacedS = ((Date.now() - deletedAt) / 1000).toFixed(1);
    expect(second.metadata?.annotations?.[SELECTED_NODE]).toBe(spare);
    await applyManifests(kubeConfig, localPv({ name: `pv-${second.metadata?.uid ?? ''}`, node: spare, className, claim: second }));
    await podNode(kubeConfig, namespace, spare);
    console.log(`[e2e:cluster] node ${lost} deleted: a new claim was placed on ${spare} ${replacedS} s later (pod GC's 40 s quarantine, a 5 s grace); the pod is bound there`);

    // The lost node's PV of ours is gone (its provisioner finalizer released); the other driver's claim and PV stay.
    await waitFor({ what: `PV ${firstPv} deleted`, timeoutMs: 60_000, intervalMs: 1000 }, async () => {
      const pv = await core.readPersistentVolume({ name: firstPv }).catch(() => undefined);
      return pv === undefined ? { done: true, value: true } : { done: false, observed: { finalizers: pv.metadata?.finalizers, phase: pv.status?.phase } };
    });
    expect((await core.readNamespacedPersistentVolumeClaim({ namespace, name: 'other-driver' })).metadata?.deletionTimestamp).toBeUndefined();
    expect((await core.readPersistentVolume({ name: otherPv })).metadata?.deletionTimestamp).toBeUndefined();
    expect(controller.exitInfo()).toBeUndefined();
    expect(controller.tailLog(200)).toMatch(/node-loss recovery: delete-claim/);
    await kubeConfig.makeApiClient(AppsV1Api).deleteNamespacedStatefulSet({ namespace, name: 'lost-web' });
  }, 240_000);
});
