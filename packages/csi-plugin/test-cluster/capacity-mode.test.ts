// CSIStorageCapacity mode (issue #14, the chart's scheduling.mode=capacity) end to end with no extender at all:
// the real kube-scheduler with its default configuration, external-provisioner --node-deployment
// --enable-capacity beside our plugin on each simulated node (real lvm on loop devices, VGs larger than what the
// NLS allows), the CSIDriver with storageCapacity: true. The test plays the agent: it writes each node's NLS
// status (its allocatable is what the agent would report after a reserve; 45-nls proves the agent's figure).
// Proven: a CSIStorageCapacity per node equal to the NLS allocatable (not the VG's free space), lowered by each
// provisioned volume; WaitForFirstConsumer pods land only where the capacity says the claim fits; a claim too big
// for every node stays Pending with kube-scheduler's own reason.
import { join } from 'node:path';
import { CoreV1Api, CustomObjectsApi, PatchStrategy, setHeaderOptions, StorageV1Api, type KubeConfig, type KubernetesObject, type V1CSIStorageCapacity } from '@kubernetes/client-node';
import { GROUP, NLS, parseQuantityBytes, VERSION } from '@openlocal/crd-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManifests, createTestNamespace, installCrds, missingToolsReason, openLocalCrds, startCluster, toolPath, waitFor, type Cluster, type TestNamespace } from '@openlocal/e2e/cluster';
import { createHostSandbox, hostSkipReason, type HostSandbox } from '@openlocal/lvm/testing';

const DRIVER = 'local.csi.aliyun.com';
const MiB = 2 ** 20;
const CLASS = 'open-local-lvm-capacity';
/** What each node's NLS allows (allocatable); every VG is a 256 MiB loop device, so more is free in lvm. */
const ALLOCATABLE_MIB = { 'node-a': 200, 'node-b': 100, 'node-c': 40 } as const;
type NodeName = keyof typeof ALLOCATABLE_MIB;
const NODES = Object.keys(ALLOCATABLE_MIB) as NodeName[];

const skipReason = (await hostSkipReason()) ?? missingToolsReason(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'csi-provisioner']);
if (skipReason !== null) console.warn(`skipping the CSIStorageCapacity cluster test: ${skipReason}`);

interface NodeStorage {
  name: NodeName;
  vgName: string;
  sandbox: HostSandbox;
  socketPath: string;
}

function pluginBin(): string {
  return join(import.meta.dirname, '..', 'dist', 'main.js');
}

/** The NLS of `node` as its agent reports it: the VG (sizes from lvm) with `allocatable` after a reserve. */
async function writeNls(kubeConfig: KubeConfig, node: NodeStorage): Promise<void> {
  const ref = { group: GROUP, version: VERSION, plural: NLS.plural };
  const custom = kubeConfig.makeApiClient(CustomObjectsApi);
  const { stdout } = await node.sandbox.run(['lvm', 'vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_size,vg_free', node.vgName]);
  const [total, available] = stdout.trim().split(/\s+/).map(Number);
  await custom.createClusterCustomObject({ ...ref, body: { apiVersion: `${GROUP}/${VERSION}`, kind: NLS.kind, metadata: { name: node.name }, spec: { nodeName: node.name } } });
  const vg = { name: node.vgName, physicalVolumes: node.sandbox.loops, total, available, allocatable: ALLOCATABLE_MIB[node.name] * MiB };
  const status = { nodeStorageInfo: { phase: 'Running', volumeGroups: [vg] }, filteredStorageInfo: { volumeGroups: [node.vgName], devices: [], mountPoints: [] } };
  await custom.patchClusterCustomObjectStatus({ ...ref, name: node.name, body: { status } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
}

function claimAndPod(name: string, storage: string): KubernetesObject[] {
  return [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: CLASS, resources: { requests: { storage } } } } as KubernetesObject,
    { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'registry.invalid/never-pulled:0' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: name } }] } } as KubernetesObject,
  ];
}

describe.skipIf(skipReason !== null)('CSIStorageCapacity mode: kube-scheduler without extender', () => {
  let cluster: Cluster;
  let kubeConfig: KubeConfig;
  let namespace: TestNamespace;
  const nodes: NodeStorage[] = [];
  /** Where the provisioners keep their CSIStorageCapacity objects (NAMESPACE of the sidecar). */
  const capacityNamespace = 'default';

  /** MiB per node of the class's CSIStorageCapacity objects, once `isDone` holds for them. */
  async function capacities(what: string, isDone: (byNode: Partial<Record<NodeName, number>>) => boolean): Promise<{ byNode: Partial<Record<NodeName, number>>; objects: V1CSIStorageCapacity[] }> {
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    return waitFor({ what, timeoutMs: 90_000, intervalMs: 500 }, async () => {
      const objects = (await storage.listNamespacedCSIStorageCapacity({ namespace: capacityNamespace })).items.filter((c) => c.storageClassName === CLASS);
      const byNode: Partial<Record<NodeName, number>> = {};
      for (const c of objects) byNode[c.nodeTopology?.matchLabels?.['kubernetes.io/hostname'] as NodeName] = parseQuantityBytes(String(c.capacity ?? '0')) / MiB;
      return isDone(byNode) ? { done: true, value: { byNode, objects } } : { done: false, observed: byNode };
    });
  }

  async function scheduledNode(podName: string): Promise<string> {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    return waitFor({ what: `pod ${podName} bound to a node with its claim provisioned`, timeoutMs: 120_000 }, async () => {
      const pod = await core.readNamespacedPod({ name: podName, namespace: namespace.name });
      const claim = await core.readNamespacedPersistentVolumeClaim({ name: podName, namespace: namespace.name });
      const node = pod.spec?.nodeName;
      return node && claim.status?.phase === 'Bound' ? { done: true, value: node } : { done: false, observed: { node, claim: claim.status?.phase, conditions: pod.status?.conditions } };
    });
  }

  async function lvNames(node: NodeStorage): Promise<string[]> {
    const { stdout } = await node.sandbox.run(['lvm', 'lvs', '--noheadings', '-o', 'lv_name', node.vgName]);
    return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  }

  beforeAll(async () => {
    for (const name of NODES) {
      const sandbox = await createHostSandbox([256]);
      const vgName = `csi-cap-${name}-${process.pid}`;
      nodes.push({ name, vgName, sandbox, socketPath: join(sandbox.root, 'csi.sock') });
      await sandbox.run(['lvm', 'vgcreate', vgName, sandbox.loops[0] ?? '']);
    }
    // The harness's kube-scheduler runs its default profile: no extender.
    cluster = await startCluster({ nodes: NODES.map((name) => ({ name })) });
    kubeConfig = cluster.kubeConfig;
    await installCrds(kubeConfig, await openLocalCrds());
    const driverAndClass: object[] = [
      { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: DRIVER }, spec: { attachRequired: false, podInfoOnMount: true, storageCapacity: true, volumeLifecycleModes: ['Persistent'] } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: CLASS }, provisioner: DRIVER, volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', parameters: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext4' } },
    ];
    await applyManifests(kubeConfig, driverAndClass as KubernetesObject[]);
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    for (const node of nodes) {
      await writeNls(kubeConfig, node);
      // What kubelet publishes when the plugin registers: the driver's node id and topology key on this node.
      await storage.createCSINode({ body: { metadata: { name: node.name }, spec: { drivers: [{ name: DRIVER, nodeID: node.name, topologyKeys: ['kubernetes.io/hostname'] }] } } });
      await cluster.startProcess({
        name: `csi-plugin-${node.name}`,
        command: process.execPath,
        args: [pluginBin(), '--endpoint', `unix://${node.socketPath}`, '--nodeid', node.name, '--kubelet-dir', node.sandbox.kubeletDir, '--lvm-system-dir', node.sandbox.lvmSystemDir, '--device-regexp', '^$', '--metrics-port=0', '--kubeconfig', cluster.kubeconfigPath],
      });
      // The chart's capacity-mode flags, with no owner (no pod here) and a short poll so the test sees updates.
      await cluster.startProcess({
        name: `csi-provisioner-${node.name}`,
        command: toolPath('csi-provisioner'),
        args: [`--csi-address=${node.socketPath}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local', '--leader-election=false',
          '--enable-capacity', '--capacity-ownerref-level=-1', '--capacity-poll-interval=2s', '--retry-interval-start=1s', '--retry-interval-max=5s', '--v=4'],
        env: { NODE_NAME: node.name, NAMESPACE: capacityNamespace },
      });
    }
    namespace = await createTestNamespace(kubeConfig, 'capacity-mode');
  });

  afterAll(async () => {
    await cluster?.stop();
    for (const node of nodes) await node.sandbox.cleanup();
  });

  it('publishes one CSIStorageCapacity per node equal to its NLS allocatable, not the VG free space', async () => {
    const { byNode, objects } = await capacities('a CSIStorageCapacity per node equal to the NLS allocatable', (n) => NODES.every((name) => n[name] === ALLOCATABLE_MIB[name]));
    expect(byNode).toEqual(ALLOCATABLE_MIB);
    expect(objects).toHaveLength(3);
    // One VG per node: the largest volume is the whole allocatable.
    for (const c of objects) expect(parseQuantityBytes(String(c.maximumVolumeSize)) / MiB).toBe(ALLOCATABLE_MIB[c.nodeTopology?.matchLabels?.['kubernetes.io/hostname'] as NodeName]);
  });

  it('places a claim only on the one node it fits, and that node capacity drops by the provisioned volume', async () => {
    // 120 MiB fits node-a's 200 only (node-b 100, node-c 40); every VG has 252 MiB free in lvm.
    await applyManifests(kubeConfig, claimAndPod('first', '120Mi'), { namespace: namespace.name });
    expect(await scheduledNode('first')).toBe('node-a');
    expect(await lvNames(nodes[0] as NodeStorage)).toHaveLength(1);
    const { byNode } = await capacities('node-a capacity lowered by the 120 MiB volume', (n) => n['node-a'] === 80);
    expect(byNode).toEqual({ 'node-a': 80, 'node-b': 100, 'node-c': 40 });
  });

  it('then places a 90 MiB claim on node-b: node-a (80 left) and node-c (40) are too small now', async () => {
    await applyManifests(kubeConfig, claimAndPod('second', '90Mi'), { namespace: namespace.name });
    expect(await scheduledNode('second')).toBe('node-b');
    expect(await lvNames(nodes[1] as NodeStorage)).toHaveLength(1);
    expect(await lvNames(nodes[2] as NodeStorage)).toEqual([]);
  });

  it('leaves a claim larger than every node Pending with kube-scheduler reason, and nothing is provisioned', async () => {
    await applyManifests(kubeConfig, claimAndPod('huge', '150Mi'), { namespace: namespace.name });
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const message = await waitFor({ what: 'pod huge Unschedulable', timeoutMs: 60_000 }, async () => {
      const pod = await core.readNamespacedPod({ name: 'huge', namespace: namespace.name });
      const condition = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
      return condition?.message ? { done: true, value: condition.message } : { done: false, observed: pod.status };
    });
    expect(message).toMatch(/0\/3 nodes are available: 3 node\(s\) did not have enough free storage/);
    const pod = await core.readNamespacedPod({ name: 'huge', namespace: namespace.name });
    expect(pod.spec?.nodeName).toBeUndefined();
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'huge', namespace: namespace.name });
    expect(claim.status?.phase).toBe('Pending');
    expect(claim.metadata?.annotations?.['volume.kubernetes.io/selected-node']).toBeUndefined();
    expect((await Promise.all(nodes.map(lvNames))).flat()).toHaveLength(2);
  });

  it('gives the space back when the claims are deleted', async () => {
    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (const name of ['first', 'second', 'huge']) {
      await core.deleteNamespacedPod({ name, namespace: namespace.name, gracePeriodSeconds: 0 });
      await core.deleteNamespacedPersistentVolumeClaim({ name, namespace: namespace.name });
    }
    await waitFor({ what: 'every LV removed', timeoutMs: 90_000 }, async () => {
      const left = (await Promise.all(nodes.map(lvNames))).flat();
      return left.length === 0 ? { done: true, value: true } : { done: false, observed: left };
    });
    const { byNode } = await capacities('capacities back to the NLS allocatable', (n) => NODES.every((name) => n[name] === ALLOCATABLE_MIB[name]));
    expect(byNode).toEqual(ALLOCATABLE_MIB);
    await namespace.delete();
  });
});
