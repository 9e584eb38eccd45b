// Starts Open-Local on the demo cluster, the way the chart deploys it but as host processes: the controller
// (NLS from the init config), one agent per node, the scheduler extender behind a kube-scheduler, and per node a
// csi-plugin with an external-provisioner in --node-deployment mode. The same wiring the package suites test
// (agent:nls, scheduler-extender:cluster, csi-plugin:cluster).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StorageV1Api, type KubernetesObject } from '@kubernetes/client-node';
import { API_VERSION, DEFAULT_INIT_CONFIG_NAME, DRIVER_NAME, NLSC, TOPOLOGY_KEY, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import { appProcessSpec, applyManifests, freePorts, repoRoot, toolPath, waitFor, type Cluster, type ManagedProcess, type ProcessSpec } from '../cluster/index.js';
import type { NodeDisks } from './node-disks.js';

const run = promisify(execFile);

/** The demo's StorageClass: LVM volumes placed by the extender, provisioned on the chosen node. */
export const STORAGE_CLASS = 'open-local-lvm';

/** Pure: the init config: each node's agent creates its VG from its loops and reports VGs of this run only. */
export function initConfig(nodes: readonly NodeDisks[], prefix: string): KubernetesObject & { spec: NodeLocalStorageInitConfigSpec } {
  // No devices listed: the demo's loops all back its VGs, and a disk in a VG must never be offered as a Device
  // volume.
  const listConfig = { vgs: { include: [`${prefix}-.+`] } };
  return {
    apiVersion: API_VERSION,
    kind: NLSC.kind,
    metadata: { name: DEFAULT_INIT_CONFIG_NAME },
    spec: {
      globalConfig: { listConfig },
      nodesConfig: nodes.map((node) => ({
        selector: { matchLabels: { [TOPOLOGY_KEY]: node.nodeName } },
        listConfig,
        resourceToBeInited: { vgs: [{ name: node.vgName, devices: [...node.sandbox.loops] }] },
      })),
    },
  };
}

/** Pure: the CSIDriver and the StorageClass users write for Open-Local. */
export function storageObjects(): KubernetesObject[] {
  return [
    { apiVersion: 'storage.k8s.io/v1', kind: 'CSIDriver', metadata: { name: DRIVER_NAME }, spec: { attachRequired: false, podInfoOnMount: true } } as KubernetesObject,
    {
      apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: STORAGE_CLASS }, provisioner: DRIVER_NAME,
      volumeBindingMode: 'WaitForFirstConsumer', reclaimPolicy: 'Delete', allowVolumeExpansion: true,
      parameters: { volumeType: 'LVM', 'csi.storage.k8s.io/fstype': 'ext4' },
    } as KubernetesObject,
  ];
}

/** The controller with the init config applied first (so its first sweep writes every NLS spec). */
export async function startController(cluster: Cluster, nodes: readonly NodeDisks[], prefix: string): Promise<ManagedProcess> {
  await applyManifests(cluster.kubeConfig, initConfig(nodes, prefix));
  const [port] = (await freePorts(1)) as [number];
  return cluster.startProcess(controllerSpec(cluster, port));
}

/** The controller's process (no leader election: one replica). */
export function controllerSpec(cluster: Pick<Cluster, 'kubeconfigPath'>, port: number): ProcessSpec {
  return appProcessSpec({
    name: 'controller', packageName: '@openlocal/controller',
    args: ['--kubeconfig', cluster.kubeconfigPath, '--http-host', '127.0.0.1', '--http-port', String(port), '--no-leader-elect', '--resync-period', '10s'],
  });
}

/** One agent per node, each seeing only its node's loops (device regexp and LVM view). */
export async function startAgents(cluster: Cluster, nodes: readonly NodeDisks[]): Promise<ManagedProcess[]> {
  const ports = (await freePorts(nodes.length)) as number[];
  return Promise.all(nodes.map((node, index) => cluster.startProcess(agentSpec(cluster, node, { port: ports[index] ?? 0 }))));
}

/** The agent of one node, seeing only that node's loops; `extraArgs` for suites that change a flag. */
export function agentSpec(cluster: Pick<Cluster, 'kubeconfigPath'>, node: NodeDisks, options: { port: number; extraArgs?: readonly string[] }): ProcessSpec {
  return appProcessSpec({
    name: `agent-${node.nodeName}`, packageName: '@openlocal/agent',
    args: [
      '--nodename', node.nodeName, '--kubeconfig', cluster.kubeconfigPath, '--interval', '2', '--heartbeat-interval', '60',
      '--regexp', node.sandbox.deviceRegexp, '--path.mount', join(node.sandbox.root, 'mnt'), '--lvm-system-dir', node.sandbox.lvmSystemDir,
      '--metrics-host', '127.0.0.1', '--metrics-port', String(options.port), ...(options.extraArgs ?? []),
    ],
  });
}

/** The storage picture as a user gets it: the `open-local-status` command run against the extender. */
export async function storagePictureText(extenderUrl: string): Promise<string> {
  const command = join(repoRoot(), 'packages', 'scheduler-extender', 'dist', 'status-main.js');
  const { stdout } = await run(process.execPath, [command, '--url', extenderUrl], { timeout: 30_000 });
  return stdout.trimEnd();
}

/** The extender, ready and knowing every node's VG, and a kube-scheduler (default profile) that asks it. */
export async function startExtenderAndScheduler(cluster: Cluster, nodes: readonly NodeDisks[], signal: AbortSignal): Promise<{ url: string }> {
  const [port] = (await freePorts(1)) as [number];
  const url = `http://127.0.0.1:${port}`;
  const extender = await cluster.startProcess(extenderSpec(cluster, port));
  await waitFor({ what: `the extender to see every node's VG (log ${extender.logPath})`, timeoutMs: 60_000, signal }, async () => {
    const response = await fetch(`${url}/cache`).catch(() => undefined);
    const body = response?.status === 200 ? ((await response.json()) as { nodes?: { view?: { volumeGroups?: { name: string }[] } }[] }) : undefined;
    const seen = new Set((body?.nodes ?? []).flatMap((node) => (node.view?.volumeGroups ?? []).map((vg) => vg.name)));
    return nodes.every((node) => seen.has(node.vgName)) ? { done: true, value: true } : { done: false, observed: [...seen] };
  });
  // The shape Open-Local users put in their scheduler config (and the chart ships).
  await cluster.startScheduler({
    extenders: [{ urlPrefix: `${url}/scheduler`, filterVerb: 'predicates', prioritizeVerb: 'priorities', weight: 10, nodeCacheCapable: true, ignorable: true }],
  });
  return { url };
}

/** The scheduler extender on 127.0.0.1:`port`. */
export function extenderSpec(cluster: Pick<Cluster, 'kubeconfigPath'>, port: number): ProcessSpec {
  return appProcessSpec({
    name: 'scheduler-extender', packageName: '@openlocal/scheduler-extender',
    args: ['--kubeconfig', cluster.kubeconfigPath, '--host', '127.0.0.1', '--port', String(port), '--strategy', 'binpack'],
  });
}

/** The node's csi-plugin socket (the provisioner's --csi-address). */
export function csiSocketPath(node: NodeDisks): string {
  return join(node.sandbox.root, 'csi.sock');
}

/** The node's csi-plugin in node mode, asking the extender at `extenderUrl` for pod-level plans. */
export function csiPluginSpec(node: NodeDisks, extenderUrl: string): ProcessSpec {
  return appProcessSpec({
    name: `csi-plugin-${node.nodeName}`, packageName: '@openlocal/csi-plugin',
    args: [
      '--endpoint', `unix://${csiSocketPath(node)}`, '--nodeid', node.nodeName, '--kubelet-dir', node.sandbox.kubeletDir,
      '--lvm-system-dir', node.sandbox.lvmSystemDir, '--device-regexp', '^$', '--mount-dir', join(node.sandbox.root, 'mnt'),
      '--metrics-port=0', '--extender-url', extenderUrl,
    ],
  });
}

/** The node's external-provisioner with --node-deployment: it serves only claims placed on that node. */
export function provisionerSpec(cluster: Pick<Cluster, 'kubeconfigPath'>, node: NodeDisks): ProcessSpec {
  return {
    name: `csi-provisioner-${node.nodeName}`,
    command: toolPath('csi-provisioner'),
    args: [
      `--csi-address=${csiSocketPath(node)}`, `--kubeconfig=${cluster.kubeconfigPath}`, '--node-deployment=true', '--extra-create-metadata=true',
      '--volume-name-prefix=local', '--leader-election=false', '--retry-interval-start=1s', '--retry-interval-max=5s', '--v=2',
    ],
    env: { NODE_NAME: node.nodeName },
  };
}

/** The CSINode kubelet would publish when the node's plugin registers. */
export async function registerCsiNode(cluster: Cluster, node: NodeDisks): Promise<void> {
  await cluster.kubeConfig.makeApiClient(StorageV1Api).createCSINode({ body: { metadata: { name: node.nodeName }, spec: { drivers: [{ name: DRIVER_NAME, nodeID: node.nodeName, topologyKeys: [TOPOLOGY_KEY] }] } } });
}

/**
 * Per node: the CSINode kubelet would publish on registration, the csi-plugin (node mode, asking the extender for
 * pod-level plans) and an external-provisioner with --node-deployment that serves only this node's claims.
 */
export async function startCsi(cluster: Cluster, nodes: readonly NodeDisks[], extenderUrl: string): Promise<void> {
  await applyManifests(cluster.kubeConfig, storageObjects());
  await Promise.all(nodes.map(async (node) => {
    await registerCsiNode(cluster, node);
    await cluster.startProcess(csiPluginSpec(node, extenderUrl));
    await cluster.startProcess(provisionerSpec(cluster, node));
  }));
}
