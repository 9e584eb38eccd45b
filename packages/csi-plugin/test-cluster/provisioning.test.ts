// Distributed provisioning end to end: kube-scheduler picks nodes for a StatefulSet on a WaitForFirstConsumer
// class, the external-provisioner of each chosen node (--node-deployment) calls CreateVolume on its own node's
// csi-plugin, which creates the LV in that node's VG; external-resizer grows a claim through the controller-mode
// plugin; deleting the claims removes the LVs; a claim larger than any VG fails with RESOURCE_EXHAUSTED.
// No kubelet runs on the simulated nodes, so the test plays kubelet's two parts: the CSINode object kubelet
// would publish when the plugin registers, and the NodeExpandVolume call after a resize. The same flows with
// a real kubelet (registration, stage/publish into a running pod, resize through NodeExpandVolume) are in
// e2e/kubelet, the kubelet rung.
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, StorageV1Api, type KubeConfig, type KubernetesObject, type V1PersistentVolume } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyManifests, createTestNamespace, missingToolsReason, startCluster, toolPath, waitFor, type Cluster, type TestNamespace } from '@openlocal/e2e/cluster';
import { createCsiClient, mountCapability } from '../test/support/csi-client.js';
import { createHostSandbox, hostSkipReason, type HostSandbox } from '@openlocal/lvm/testing';

const DRIVER = 'local.csi.aliyun.com';
const NODES = ['node-a', 'node-b', 'node-c'] as const;
const MiB = 2 ** 20;
const SELECTED_NODE = 'volume.kubernetes.io/selected-node';

const skipReason = (await hostSkipReason()) ?? missingToolsReason(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'csi-provisioner']);
if (skipReason !== null) console.warn(`skipping csi-plugin cluster tests: ${skipReason}`);
const resizerSkipReason = missingToolsReason(['csi-resizer']);
if (skipReason === null && resizerSkipReason !== null) console.warn(`skipping the resize test: ${resizerSkipReason}`);

interface NodeStorage {
  name: string;
  vgName: string;
  sandbox: HostSandbox;
  socketPath: string;
}

function ignoreNotFound(error: unknown): void {
  if ((error as { code?: number }).code !== 404) throw error;
}

function pluginBin(): string {
  return join(import.meta.dirname, '..', 'dist', 'main.js');
}

async function lvsOf(node: NodeStorage): Promise<Map<string, number>> {
  const { stdout } = await node.sandbox.run(['lvm', 'lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_size', node.vgName]);
  return new Map(stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((c) => c.length === 2).map(([n, s]) => [n ?? '', Number(s)]));
}

function statefulSet(className: string, storage: string): object {
  const labels = { app: 'db' };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          // One replica per node, as a real database would ask.
          affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: labels }, topologyKey: 'kubernetes.io/hostname' }] } },
          containers: [{ name: 'db', image: 'registry.invalid/never-pulled:0', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: className, resources: { requests: { storage } } } }],
    },
  };
}

async function boundVolumes(kubeConfig: KubeConfig, namespace: string, count: number): Promise<V1PersistentVolume[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return waitFor({ what: `${count} bound claims in ${namespace}`, timeoutMs: 120_000 }, async () => {
    const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
    const bound = claims.filter((c) => c.status?.phase === 'Bound');
    if (bound.length < count) return { done: false, observed: claims.map((c) => ({ name: c.metadata?.name, phase: c.status?.phase, node: c.metadata?.annotations?.[SELECTED_NODE] })) };
    const volumes = await Promise.all(bound.map((c) => core.readPersistentVolume({ name: c.spec?.volumeName ?? '' })));
    return { done: true, value: volumes };
  });
}

describe.skipIf(skipReason !== null)('provisioning through external-provisioner --node-deployment', () => {
  let cluster: Cluster;
  const nodes: NodeStorage[] = [];
  let kubeConfig: KubeConfig;
  const className = 'open-local-lvm-e2e';

  beforeAll(async () => {
    for (const name of NODES) {
      const sandbox = await createHostSandbox([256]);
      const vgName = `csi-e2e-${name}-${process.pid}`;
      await sandbox.run(['lvm', 'vgcreate', vgName, sandbox.loops[0] ?? '']);
      nodes.push({ name, vgName, sandbox, socketPath: join(sandbox.root, 'csi.sock') });
    }
    cluster = await startCluster({ nodes: NODES.map((name) => ({ name })) });
    kubeConfig = cluster.kubeConfig;
    const storage = kubeConfig.makeApiClient(StorageV1Api);
    const driverAndClass: object[] = [
      { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: DRIVER }, spec: { attachRequired: false, podInfoOnMount: true, volumeLifecycleModes: ['Persistent', 'Ephemeral'] } },
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: className },
        provisioner: DRIVER,
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Delete',
        allowVolumeExpansion: true,
        parameters: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext4' },
      },
    ];
    await applyManifests(kubeConfig, driverAndClass as KubernetesObject[]);
    for (const node of nodes) {
      // What node-driver-registrar + kubelet would publish: the driver's node id and topology key on this node.
      await storage.createCSINode({ body: { metadata: { name: node.name }, spec: { drivers: [{ name: DRIVER, nodeID: node.name, topologyKeys: ['kubernetes.io/hostname'] }] } } });
      await cluster.startProcess({
        name: `csi-plugin-${node.name}`,
        command: process.execPath,
        args: [pluginBin(), '--endpoint', `unix://${node.socketPath}`, '--nodeid', node.name, '--kubelet-dir', node.sandbox.kubeletDir, '--lvm-system-dir', node.sandbox.lvmSystemDir, '--device-regexp', '^$', '--metrics-port=0'],
      });
      await cluster.startProcess({
        name: `csi-provisioner-${node.name}`,
        command: toolPath('csi-provisioner'),
        args: [`--csi-address=${node.socketPath}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--node-deployment=true', '--extra-create-metadata=true', '--volume-name-prefix=local', '--leader-election=false', '--retry-interval-start=1s', '--retry-interval-max=5s', '--v=4'],
        env: { NODE_NAME: node.name },
      });
    }
    const controllerSocket = join(nodes[0]?.sandbox.root ?? '', 'controller.sock');
    await cluster.startProcess({ name: 'csi-plugin-controller', command: process.execPath, args: [pluginBin(), '--endpoint', `unix://${controllerSocket}`, '--mode', 'controller', '--metrics-port=0'] });
    if (resizerSkipReason !== null) return;
    await cluster.startProcess({ name: 'csi-resizer', command: toolPath('csi-resizer'), args: [`--csi-address=${controllerSocket}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--leader-election=false', '--v=4'] });
  });

  afterAll(async () => {
    await cluster?.stop();
    for (const node of nodes) await node.sandbox.cleanup();
  });

  let namespace: TestNamespace;
  let volumes: V1PersistentVolume[] = [];
  const nodeOf = (pv: V1PersistentVolume) => pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values?.[0] ?? '';

  it('gives a 3-replica StatefulSet three bound PVs, each an LV of the requested size in its own node VG', async () => {
    namespace = await createTestNamespace(kubeConfig, 'statefulset-provisioning');
    await applyManifests(kubeConfig, statefulSet(className, '64Mi'), { namespace: namespace.name });
    volumes = await boundVolumes(kubeConfig, namespace.name, 3);
    expect(new Set(volumes.map(nodeOf))).toEqual(new Set(NODES));
    for (const pv of volumes) await expectLvOnItsNode(pv);
  });

  /** The PV names an LV of 64 MiB in the VG of the node its affinity names, and says so in its attributes. */
  async function expectLvOnItsNode(pv: V1PersistentVolume): Promise<void> {
    const node = nodes.find((n) => n.name === nodeOf(pv)) as NodeStorage;
    const csi = pv.spec?.csi;
    expect(pv.metadata?.name).toMatch(/^local-/);
    expect(csi?.volumeAttributes).toMatchObject({ volumeType: 'LVM', vgName: node.vgName, 'volume.kubernetes.io/selected-node': node.name });
    expect((await lvsOf(node)).get(csi?.volumeHandle ?? '')).toBe(64 * MiB);
  }

  it.skipIf(resizerSkipReason !== null)('grows a claim through external-resizer and the controller-mode plugin up to the node step', async () => {
    // Resize one claim: external-resizer -> controller-mode ControllerExpandVolume -> FileSystemResizePending.
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const first = volumes[0] as V1PersistentVolume;
    const claim = first.spec?.claimRef?.name ?? '';
    await core.patchNamespacedPersistentVolumeClaim(
      { name: claim, namespace: namespace.name, body: { spec: { resources: { requests: { storage: '128Mi' } } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await waitFor({ what: `claim ${claim} waiting for the node to grow its filesystem`, timeoutMs: 60_000 }, async () => {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ name: claim, namespace: namespace.name });
      const pending = pvc.status?.conditions?.some((c) => c.type === 'FileSystemResizePending');
      return pending ? { done: true, value: true } : { done: false, observed: pvc.status };
    });
    // kubelet's part: NodeExpandVolume on the node that holds the volume, which runs lvextend.
    const holder = nodes.find((n) => n.name === nodeOf(first)) as NodeStorage;
    const client = createCsiClient(holder.socketPath);
    const expanded = await client.call('Node', 'NodeExpandVolume', {
      volume_id: first.spec?.csi?.volumeHandle,
      volume_path: join(holder.sandbox.kubeletDir, 'pods', 'x', 'volumes', 'kubernetes.io~csi', first.metadata?.name ?? '', 'mount'),
      capacity_range: { required_bytes: String(128 * MiB), limit_bytes: '0' },
      volume_capability: mountCapability('ext4'),
    });
    client.close();
    // On the host the LV has no device node (no device-mapper), so nothing is mounted at the path: the plugin
    // must say so rather than pretend; the lvextend itself is proven in the QEMU guest suite.
    expect(expanded).toMatchObject({ ok: false, code: 5 });
  });

  it('removes each LV when its claim is deleted (the node provisioner calls DeleteVolume)', async () => {
    expect(volumes).toHaveLength(3);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    // Delete the pods and claims: each node's provisioner calls DeleteVolume and the LV goes.
    await kubeConfig.makeApiClient(AppsV1Api).deleteNamespacedStatefulSet({ name: 'db', namespace: namespace.name });
    // The StatefulSet's garbage collection may delete a pod first: gone is fine.
    for (const pod of (await core.listNamespacedPod({ namespace: namespace.name })).items) {
      await core.deleteNamespacedPod({ name: pod.metadata?.name ?? '', namespace: namespace.name, gracePeriodSeconds: 0 }).catch(ignoreNotFound);
    }
    for (const pv of volumes) await core.deleteNamespacedPersistentVolumeClaim({ name: pv.spec?.claimRef?.name ?? '', namespace: namespace.name });
    await waitFor({ what: 'every LV of the StatefulSet removed', timeoutMs: 120_000 }, async () => {
      const left = (await Promise.all(nodes.map(async (n) => [...(await lvsOf(n)).keys()]))).flat();
      return left.length === 0 ? { done: true, value: true } : { done: false, observed: left };
    });
    await namespace.delete();
  });

  it('fails a claim larger than any VG with RESOURCE_EXHAUSTED and leaves its pod Pending', async () => {
    const namespace = await createTestNamespace(kubeConfig, 'too-big');
    const core = kubeConfig.makeApiClient(CoreV1Api);
    const claimAndPod: object[] = [
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'huge' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: className, resources: { requests: { storage: '10Gi' } } } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'wants-huge' }, spec: { containers: [{ name: 'c', image: 'registry.invalid/x:0' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'huge' } }] } },
    ];
    await applyManifests(kubeConfig, claimAndPod as KubernetesObject[], { namespace: namespace.name });
    const event = await waitFor({ what: 'a ProvisioningFailed event for claim huge', timeoutMs: 120_000 }, async () => {
      const events = (await core.listNamespacedEvent({ namespace: namespace.name })).items;
      const failed = events.find((e) => e.involvedObject?.name === 'huge' && e.reason === 'ProvisioningFailed');
      return failed ? { done: true, value: failed } : { done: false, observed: events.map((e) => `${e.reason}: ${e.message}`) };
    });
    expect(event.message).toMatch(/ResourceExhausted/);
    expect(event.message).toMatch(/no volume group on this node has 10737418240 bytes free/);
    const pod = await core.readNamespacedPod({ name: 'wants-huge', namespace: namespace.name });
    expect(pod.status?.phase).toBe('Pending');
    expect((await core.readNamespacedPersistentVolumeClaim({ name: 'huge', namespace: namespace.name })).status?.phase).toBe('Pending');
    await core.deleteNamespacedPod({ name: 'wants-huge', namespace: namespace.name, gracePeriodSeconds: 0 });
    await namespace.delete();
  });
});
