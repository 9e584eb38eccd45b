// Issue #17 end to end with a real kube-scheduler, kube-apiserver and etcd: a claim restored from a
// VolumeSnapshot (the external-snapshotter CRDs installed as the chart does; the VolumeSnapshot is written
// straight to the API, no snapshot-controller needed for placement) lands on its source's node although binpack
// sends a plain claim of the same size elsewhere; a restore larger than its read-only source stays Pending with
// our reason; a thin-class claim is placed by its pool's over-provisioned room, not by VG free space, and one
// larger than every pool's room stays Pending naming the pools.
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig, type V1PersistentVolumeClaimSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, freePorts, installCrds, snapshotCrds, snapshotCrdsMissingReason, waitFor, type Cluster } from '@openlocal/e2e/cluster';
import { extenderStanza, startExtender, startExtenderCluster, suiteSkipReason } from './extender-cluster.js';
import { GI, classManifest, selectedNodes, unschedulableMessage } from './fixtures.js';

const SCHEDULER = 'openlocal-snapshots';
const LVM_CLASS = 'open-local-lvm-snap';
const THIN_CLASS = 'open-local-lvm-thin';
/**
 * Sizes in GiB; a VG's allocatable is its size minus its thin pool (not ours, as the agent counts it): 90 and 20.
 * snap-a holds the 10Gi source; binpack sends a plain 10Gi claim to snap-b, which it leaves half full (score 5),
 * against snap-a's 22 % (score 2).
 */
const NODES = { 'snap-a': { vgGi: 100, poolGi: 10, ratio: 4 }, 'snap-b': { vgGi: 40, poolGi: 20, ratio: 1 } };

const reason = (await suiteSkipReason()) ?? snapshotCrdsMissingReason();
if (reason !== null) console.log(`[scheduler-extender:cluster] snapshot placement: skipping: ${reason}`);

const NLS = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };

/** The NLS of `node` as the agent writes it: VG `pool` holding thin pool `thin0` (nothing else), declared with its ratio. */
async function writeThinNls(kubeConfig: KubeConfig, node: string, spec: { vgGi: number; poolGi: number; ratio: number }): Promise<void> {
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const vgs = [{ name: 'pool', devices: ['/dev/loop0'], thinPools: [{ name: 'thin0', size: `${spec.poolGi}Gi`, overProvisioningRatio: spec.ratio }] }];
  await custom.createClusterCustomObject({ ...NLS, body: { apiVersion: 'csi.aliyun.com/v1alpha1', kind: 'NodeLocalStorage', metadata: { name: node }, spec: { nodeName: node, resourceToBeInited: { vgs } } } });
  const thinPools = [{ name: 'thin0', total: spec.poolGi * GI, virtualUsed: 0, dataPercent: 1 }];
  const vgSize = spec.vgGi * GI;
  const free = vgSize - spec.poolGi * GI;
  const logicalVolumes = [{ name: 'thin0', vgname: 'pool', total: spec.poolGi * GI, readOnly: false, condition: 'DiskReady' }];
  const volumeGroups = [{ name: 'pool', physicalVolumes: ['/dev/loop0'], logicalVolumes, total: vgSize, available: free, allocatable: free, condition: 'DiskReady', thinPools }];
  const status = { nodeStorageInfo: { deviceInfo: [], volumeGroups, mountPoints: [], phase: 'Running' }, filteredStorageInfo: { volumeGroups: ['pool'], devices: [], mountPoints: [] } };
  await custom.patchClusterCustomObjectStatus({ ...NLS, name: node, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

describe.skipIf(reason !== null)('issue #17: restored claims go to their source node, thin claims by pool room', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;

  /** A pod (our scheduler, simulated nodes only) with one claim `<pod>-data-0` of `spec`. */
  async function podWithClaim(namespace: string, pod: string, spec: V1PersistentVolumeClaimSpec): Promise<void> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedPersistentVolumeClaim({ namespace, body: { metadata: { name: `${pod}-data-0` }, spec: { accessModes: ['ReadWriteOnce'], ...spec } } });
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: pod },
        spec: {
          schedulerName: SCHEDULER,
          nodeSelector: { 'openlocal.e2e/simulated': 'true' },
          containers: [{ name: 'app', image: 'registry.invalid/never-pulled:0' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: `${pod}-data-0` } }],
        },
      },
    });
  }

  async function placementOf(namespace: string, pod: string): Promise<string | undefined> {
    return waitFor({ what: `claim of ${namespace}/${pod} to get selected-node`, timeoutMs: 90_000 }, async () => {
      const [node] = await selectedNodes(kubeConfig, namespace, pod);
      return node === undefined ? { done: false, observed: 'no selected-node yet' } : { done: true, value: node };
    });
  }

  async function pendingReason(namespace: string, pod: string): Promise<string> {
    return waitFor({ what: `${namespace}/${pod} to be Unschedulable`, timeoutMs: 90_000 }, async () => {
      const found = await unschedulableMessage(kubeConfig, namespace, pod);
      return found === undefined ? { done: false, observed: 'not yet' } : { done: true, value: found };
    });
  }

  /** Source claim `src` (10Gi) with its thick PV on snap-a, and VolumeSnapshot `snap` of it. */
  async function sourceWithSnapshot(namespace: string): Promise<void> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const pvName = `pv-src-${namespace}`;
    await core.createNamespacedPersistentVolumeClaim({ namespace, body: { metadata: { name: 'src' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: LVM_CLASS, volumeName: pvName, resources: { requests: { storage: '10Gi' } } } } });
    await core.createPersistentVolume({
      body: {
        metadata: { name: pvName },
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: LVM_CLASS,
          claimRef: { namespace, name: 'src' },
          csi: { driver: 'local.csi.aliyun.com', volumeHandle: pvName, volumeAttributes: { volumeType: 'LVM', vgName: 'pool' } },
          nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['snap-a'] }] }] } },
        },
      },
    });
    await kubeConfig.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'snapshot.storage.k8s.io', version: 'v1', plural: 'volumesnapshots', namespace,
      body: { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', metadata: { name: 'snap' }, spec: { volumeSnapshotClassName: 'open-local-lvm', source: { persistentVolumeClaimName: 'src' } } },
    });
  }

  async function inNamespace(name: string, body: (namespace: string) => Promise<void>): Promise<void> {
    const namespace = await createTestNamespace(kubeConfig, name);
    try {
      await body(namespace.name);
    } finally {
      await namespace.delete();
    }
  }

  beforeAll(async () => {
    const classes = [classManifest(LVM_CLASS, { volumeType: 'LVM' }), classManifest(THIN_CLASS, { volumeType: 'LVM', vgName: 'pool', thinPool: 'thin0' })];
    cluster = await startExtenderCluster('snapshot-placement', Object.keys(NODES), classes);
    kubeConfig = cluster.kubeConfig;
    await installCrds(kubeConfig, snapshotCrds());
    for (const [node, spec] of Object.entries(NODES)) await writeThinNls(kubeConfig, node, spec);
    const [port] = (await freePorts(1)) as [number];
    await startExtender(cluster, { name: `extender-snapshots-${Date.now()}`, port, args: ['--strategy', 'binpack'] });
    await cluster.startScheduler({ schedulerName: SCHEDULER, extenders: [extenderStanza(`http://127.0.0.1:${port}/scheduler`)] });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it('a restored claim lands on the source node snap-a, where binpack sends a plain claim to snap-b', async () => {
    await inNamespace('restore', async (namespace) => {
      await sourceWithSnapshot(namespace);
      await podWithClaim(namespace, 'plain', { storageClassName: LVM_CLASS, resources: { requests: { storage: '10Gi' } } });
      expect(await placementOf(namespace, 'plain')).toBe('snap-b');
      const dataSource = { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' };
      await podWithClaim(namespace, 'restored', { storageClassName: LVM_CLASS, dataSource, resources: { requests: { storage: '10Gi' } } });
      expect(await placementOf(namespace, 'restored')).toBe('snap-a');
      // Larger than its read-only source: no node can make it, and the reason says why.
      await podWithClaim(namespace, 'too-big', { storageClassName: LVM_CLASS, dataSource, resources: { requests: { storage: '11Gi' } } });
      expect(await pendingReason(namespace, 'too-big')).toContain(`asks for 11Gi from volumesnapshot ${namespace}/snap, whose source is 10Gi`);
      expect(await selectedNodes(kubeConfig, namespace, 'too-big')).toEqual([undefined]);
    });
  });

  it('a thin claim is placed by over-provisioned room (snap-a 10Gi × 4), not VG free space (snap-a 90Gi, snap-b 20Gi allocatable)', async () => {
    await inNamespace('thin', async (namespace) => {
      await podWithClaim(namespace, 'fits-a', { storageClassName: THIN_CLASS, resources: { requests: { storage: '30Gi' } } });
      expect(await placementOf(namespace, 'fits-a')).toBe('snap-a');
      // 30 of snap-a's 40 handed out now: 15Gi fits only snap-b's 20Gi pool.
      await podWithClaim(namespace, 'fits-b', { storageClassName: THIN_CLASS, resources: { requests: { storage: '15Gi' } } });
      expect(await placementOf(namespace, 'fits-b')).toBe('snap-b');
      await podWithClaim(namespace, 'no-room', { storageClassName: THIN_CLASS, resources: { requests: { storage: '21Gi' } } });
      const message = await pendingReason(namespace, 'no-room');
      expect(message).toContain('Insufficient thin pool room on node snap-a, pool is pool/thin0');
      expect(message).toContain('Insufficient thin pool room on node snap-b, pool is pool/thin0');
    });
  });
});
