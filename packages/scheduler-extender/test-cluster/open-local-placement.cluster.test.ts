// Device and MountPoint placement and Open-Local's scores (reference §4.7, §9.2, §9.3) behind a real
// kube-scheduler: claims land on a node with a free disk or mount point of their mediaType, or stay Pending with
// the extender's reason; CountMatch sends a Device claim where it takes the larger share of the free disks; pods
// without local volumes go to the node without local storage; a claim whose selected node can no longer host it
// (its VG shrank, or the node and its NLS went) is released by the extender and placed again (§4.9). Five simulated
// nodes, one extender (binpack, --rescue-after 2), one namespace: each test uses its own pods and resources.
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, freePorts, waitFor, type Cluster, type ManagedProcess } from '@openlocal/e2e/cluster';
import { extenderStanza, startExtender, startExtenderCluster, suiteSkipReason } from './extender-cluster.js';
import { GI, classManifest, createPodWithClaims, selectedNodes, unschedulableMessage, writeNlsDisks, writeNlsVolumeGroups } from './fixtures.js';

const SCHEDULER = 'openlocal-exclusive';
const CLASSES = {
  'ol-device-ssd': { volumeType: 'Device', mediaType: 'ssd' },
  'ol-device-hdd': { volumeType: 'Device', mediaType: 'hdd' },
  'ol-mountpoint-hdd': { volumeType: 'MountPoint', mediaType: 'hdd' },
  'ol-mountpoint-ssd': { volumeType: 'MountPoint', mediaType: 'ssd' },
  'ol-lvm': { volumeType: 'LVM' },
};
const NLS = { group: 'csi.aliyun.com', version: 'v1alpha1', plural: 'nodelocalstorages' };

const reason = await suiteSkipReason();
if (reason !== null) console.log(`[scheduler-extender:cluster] skipping Device/MountPoint placement: ${reason}`);

describe.skipIf(reason !== null)('Device and MountPoint placement and Open-Local scores with a real kube-scheduler', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let extender: ManagedProcess;
  // One namespace for the file (the cluster goes at the end): waiting for a namespace to be deleted cost ~10 s a test.
  let namespace: string;

  async function placementOf(pod: string, isWanted: (node: string) => boolean = () => true): Promise<string[]> {
    return waitFor({ what: `claims of ${namespace}/${pod} to get selected-node`, timeoutMs: 90_000 }, async () => {
      const nodes = await selectedNodes(kubeConfig, namespace, pod);
      return nodes.length > 0 && nodes.every((n) => n !== undefined && isWanted(n)) ? { done: true, value: nodes as string[] } : { done: false, observed: nodes };
    });
  }

  async function pendingReason(pod: string): Promise<string> {
    const message = await waitFor({ what: `${namespace}/${pod} to be Unschedulable`, timeoutMs: 90_000 }, async () => {
      const found = await unschedulableMessage(kubeConfig, namespace, pod);
      return found === undefined ? { done: false, observed: 'not yet' } : { done: true, value: found };
    });
    expect(await selectedNodes(kubeConfig, namespace, pod)).toEqual([undefined]);
    return message;
  }

  beforeAll(async () => {
    const classes = Object.entries(CLASSES).map(([name, parameters]) => classManifest(name, parameters));
    cluster = await startExtenderCluster('Device/MountPoint placement', ['ol-a', 'ol-b', 'ol-c', 'ol-d', 'ol-e'], classes);
    kubeConfig = cluster.kubeConfig;
    // ol-a: two free ssd disks and an hdd mount point; ol-b: one free ssd disk; ol-c: no NodeLocalStorage at all.
    await writeNlsDisks(kubeConfig, 'ol-a', {
      disks: [
        { name: '/dev/sda', gi: 100, mediaType: 'ssd', isOffered: true },
        { name: '/dev/sdb', gi: 100, mediaType: 'ssd', isOffered: true },
        { name: '/dev/hda', gi: 300, mediaType: 'hdd', isOffered: false },
      ],
      mountPoints: [{ name: '/mnt/open-local/hdd0', gi: 100, device: '/dev/hda' }],
    });
    await writeNlsDisks(kubeConfig, 'ol-b', { disks: [{ name: '/dev/sdc', gi: 100, mediaType: 'ssd', isOffered: true }], mountPoints: [] });
    // ol-d and ol-e: one VG each (100Gi, 60Gi), for the rescue.
    await writeNlsVolumeGroups(kubeConfig, 'ol-d', [{ name: 'pool', sizeBytes: 100 * GI, physicalVolumes: ['/dev/loop0'] }]);
    await writeNlsVolumeGroups(kubeConfig, 'ol-e', [{ name: 'pool', sizeBytes: 60 * GI, physicalVolumes: ['/dev/loop0'] }]);
    namespace = (await createTestNamespace(kubeConfig, 'open-local-placement')).name;
    const [port] = (await freePorts(1)) as [number];
    extender = await startExtender(cluster, { name: 'extender-exclusive', port, args: ['--strategy', 'binpack', '--rescue-after', '2'] });
    await cluster.startScheduler({ schedulerName: SCHEDULER, extenders: [extenderStanza(`http://127.0.0.1:${port}/scheduler`)] });
  });

  afterAll(async () => {
    await cluster?.stop();
  });

  it.each([
    { name: 'an hdd Device claim (the only hdd disk backs a mount point)', storageClassName: 'ol-device-hdd', want: ['Insufficient Device(hdd) storage on node ol-a', 'Insufficient Device(hdd) storage on node ol-b'] },
    { name: 'an ssd MountPoint claim (no ssd mount point anywhere)', storageClassName: 'ol-mountpoint-ssd', want: ['Insufficient MountPoint(ssd) storage on node ol-a', 'Insufficient MountPoint(ssd) storage on node ol-b'] },
    { name: 'an ssd Device claim larger than every disk', storageClassName: 'ol-device-ssd', size: '200Gi', want: ['Insufficient Device storage on node ol-a, pvc requested size is 200Gi'] },
  ])('$name stays Pending with the reason (run first: no disk is taken yet)', async ({ storageClassName, size, want }) => {
    const name = `wants-${storageClassName}-${size ?? 'fit'}`.toLowerCase();
    await createPodWithClaims(kubeConfig, { namespace, name, sizes: [size ?? '10Gi'], schedulerName: SCHEDULER, storageClassName });
    const message = await pendingReason(name);
    for (const part of want) expect(message).toContain(part);
    expect(message).toContain('no local storage information (NodeLocalStorage) for node ol-c');
  });

  it("a 50Gi ssd Device claim goes where it takes the larger share of the free disks (Open-Local's CountMatch: ol-b 5+5, ol-a 5+2)", async () => {
    await createPodWithClaims(kubeConfig, { namespace, name: 'db', sizes: ['50Gi'], schedulerName: SCHEDULER, storageClassName: 'ol-device-ssd' });
    expect(await placementOf('db')).toEqual(['ol-b']);
  });

  it('two ssd Device claims of one pod land on the only node with two free ssd disks', async () => {
    await createPodWithClaims(kubeConfig, { namespace, name: 'pair', sizes: ['60Gi', '60Gi'], schedulerName: SCHEDULER, storageClassName: 'ol-device-ssd' });
    expect(await placementOf('pair')).toEqual(['ol-a', 'ol-a']);
  });

  it('an hdd MountPoint claim lands on the node with an hdd mount point', async () => {
    await createPodWithClaims(kubeConfig, { namespace, name: 'logs', sizes: ['10Gi'], schedulerName: SCHEDULER, storageClassName: 'ol-mountpoint-hdd' });
    expect(await placementOf('logs')).toEqual(['ol-a']);
  });

  it("pods without local volumes go to the node without local storage (Open-Local's CapacityMatch: 10 there, 0 on storage nodes)", async () => {
    const names = ['web-0', 'web-1', 'web-2', 'web-3'];
    for (const name of names) await createPodWithClaims(kubeConfig, { namespace, name, sizes: [], schedulerName: SCHEDULER });
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const nodes = await waitFor({ what: 'the four pods to be bound', timeoutMs: 90_000 }, async () => {
      const pods = await Promise.all(names.map((name) => core.readNamespacedPod({ namespace, name })));
      const bound = pods.map((p) => p.spec?.nodeName);
      return bound.every((n) => n !== undefined) ? { done: true, value: bound } : { done: false, observed: bound };
    });
    // By chance alone (kube-scheduler's tie-break among five nodes), all four on ol-c would happen once in 625 runs.
    expect(nodes).toEqual(['ol-c', 'ol-c', 'ol-c', 'ol-c']);
  });

  it('a claim whose selected node lost the room is released by the extender and placed again (the VG of ol-e shrank to 40Gi)', async () => {
    await createPodWithClaims(kubeConfig, { namespace, name: 'moved', sizes: ['50Gi'], schedulerName: SCHEDULER, storageClassName: 'ol-lvm' });
    // binpack: 50 of 60Gi on ol-e beats 50 of 100Gi on ol-d. No provisioner runs, so the pod waits in PreBind.
    expect(await placementOf('moved')).toEqual(['ol-e']);
    const status = { nodeStorageInfo: { volumeGroups: [{ name: 'pool', physicalVolumes: ['/dev/loop0'], logicalVolumes: [], total: 40 * GI, available: 40 * GI, allocatable: 40 * GI, condition: 'DiskReady' }] } };
    await kubeConfig.makeApiClient(CustomObjectsApi).patchClusterCustomObjectStatus({ ...NLS, name: 'ol-e', body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(await placementOf('moved', (node) => node !== 'ol-e')).toEqual(['ol-d']);
    expect(extender.tailLog(200)).toContain(`released claim ${namespace}/moved-data-0 from node ol-e`);
  });

  it('a claim whose node was deleted (Node and NLS gone, as our controller deletes it) is released and placed again', async () => {
    await createPodWithClaims(kubeConfig, { namespace, name: 'orphan', sizes: ['30Gi'], schedulerName: SCHEDULER, storageClassName: 'ol-lvm' });
    // binpack: (50 + 30) of 100Gi on ol-d beats 30 of 40Gi on ol-e.
    expect(await placementOf('orphan')).toEqual(['ol-d']);
    await kubeConfig.makeApiClient(CoreV1Api).deleteNode({ name: 'ol-d' });
    await kubeConfig.makeApiClient(CustomObjectsApi).deleteClusterCustomObject({ ...NLS, name: 'ol-d' });
    expect(await placementOf('orphan', (node) => node !== 'ol-d')).toEqual(['ol-e']);
    expect(extender.tailLog(200)).toContain(`released claim ${namespace}/orphan-data-0 from node ol-d (removed volume.kubernetes.io/selected-node) so kube-scheduler places its pod again: node ol-d has no NodeLocalStorage any more`);
  });
});
