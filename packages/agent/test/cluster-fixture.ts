// Cluster helpers for the agent tests on top of the e2e harness: CRDs, nodes, the init config, the
// controller and one agent process per simulated node, NLS reads, events, and an API server restart.
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { GROUP, loadCrdManifests, NLS, NLSC, VERSION, type NodeLocalStorage, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import {
  appProcessSpec, applyManifests, CONTROL_PLANE_TOOLS, freePorts, installCrds, missingToolsReason, startCluster, waitFor,
  type Cluster, type ManagedProcess,
} from '@openlocal/e2e/cluster';
import type { NodeSandbox } from './node-sandbox.js';

export { waitFor, type Cluster, type ManagedProcess };

export function clusterSkipReason(): string | null {
  return missingToolsReason(CONTROL_PLANE_TOOLS);
}

export async function startNlsCluster(): Promise<Cluster> {
  const cluster = await startCluster({ scheduler: false, nodes: [] });
  try {
    const crds = await loadCrdManifests();
    await installCrds(cluster.kubeConfig, [crds.nodeLocalStorages, crds.nodeLocalStorageInitConfigs]);
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

export async function createNode(kubeConfig: KubeConfig, name: string): Promise<void> {
  await kubeConfig.makeApiClient(CoreV1Api).createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } } });
}

export async function applyInitConfig(kubeConfig: KubeConfig, spec: NodeLocalStorageInitConfigSpec): Promise<void> {
  const object: KubernetesObject & { spec: NodeLocalStorageInitConfigSpec } = { apiVersion: `${GROUP}/${VERSION}`, kind: NLSC.kind, metadata: { name: 'open-local' }, spec };
  await applyManifests(kubeConfig, object);
}

export async function getNls(kubeConfig: KubeConfig, name: string): Promise<NodeLocalStorage | null> {
  try {
    return (await kubeConfig.makeApiClient(CustomObjectsApi).getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name })) as NodeLocalStorage;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return null;
    throw error;
  }
}

export async function waitForNls(kubeConfig: KubeConfig, name: string, what: string, isDone: (nls: NodeLocalStorage) => boolean): Promise<NodeLocalStorage> {
  return waitFor({ what: `NLS ${name}: ${what}`, timeoutMs: 40_000, intervalMs: 200 }, async () => {
    const nls = await getNls(kubeConfig, name);
    return nls && isDone(nls) ? { done: true, value: nls } : { done: false, observed: nls?.status ?? nls };
  });
}

export interface EventSummary {
  readonly reason: string;
  readonly type: string;
  readonly message: string;
}

export async function eventsOn(kubeConfig: KubeConfig, name: string): Promise<EventSummary[]> {
  const list = await kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: 'default', fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => ({ reason: e.reason ?? '', type: e.type ?? '', message: e.message ?? '' }));
}

export async function waitForEvent(kubeConfig: KubeConfig, name: string, match: (event: EventSummary) => boolean, what: string): Promise<EventSummary> {
  return waitFor({ what: `event on ${name}: ${what}`, timeoutMs: 30_000, intervalMs: 250 }, async () => {
    const events = await eventsOn(kubeConfig, name);
    const found = events.find(match);
    return found ? { done: true, value: found } : { done: false, observed: events };
  });
}

export async function startControllerProcess(cluster: Cluster): Promise<ManagedProcess> {
  const [port] = (await freePorts(1)) as [number];
  return cluster.startProcess(appProcessSpec({
    name: 'controller', packageName: '@openlocal/controller',
    args: ['--kubeconfig', cluster.kubeconfigPath, '--http-host', '127.0.0.1', '--http-port', String(port), '--no-leader-elect', '--resync-period', '5s'],
  }));
}

export interface AgentProcess {
  readonly process: ManagedProcess;
  readonly port: number;
}

export async function startAgentProcess(cluster: Cluster, node: NodeSandbox, extraArgs: readonly string[] = []): Promise<AgentProcess> {
  const [port] = (await freePorts(1)) as [number];
  const process = await cluster.startProcess(appProcessSpec({
    name: `agent-${node.name}`, packageName: '@openlocal/agent',
    args: [
      '--nodename', node.name, '--kubeconfig', cluster.kubeconfigPath, '--interval', '2', '--heartbeat-interval', '60',
      '--regexp', node.deviceRegexp, '--path.mount', node.mountRoot, '--lvm-system-dir', node.lvmSystemDir,
      '--metrics-host', '127.0.0.1', '--metrics-port', String(port), ...extraArgs,
    ],
  }));
  return { process, port };
}

export async function metricSum(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
}

/**
 * Restarts kube-apiserver with the same argv (same port, same etcd): stops the harness's process by PID and
 * starts it again from the argv its log header recorded. Returns how long the API was unavailable.
 */
export async function restartApiServer(cluster: Cluster, downMs: number): Promise<number> {
  const current = [...cluster.processes()].reverse().find((p) => p.name.startsWith('kube-apiserver') && p.exitInfo() === undefined);
  if (!current) throw new Error('no running kube-apiserver in the harness');
  const header = readFileSync(current.logPath, 'utf8').split('\n')[0] ?? '';
  const argv = JSON.parse(header.slice(header.indexOf('argv: ') + 6)) as string[];
  const [command = '', ...args] = argv;
  const stoppedAt = Date.now();
  await current.stop();
  await new Promise((resolve) => setTimeout(resolve, downMs));
  await cluster.startProcess({ name: `kube-apiserver-r${Date.now() % 100000}`, command, args });
  const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
  await waitFor({ what: 'kube-apiserver back after restart', timeoutMs: 90_000, intervalMs: 250 }, async () => {
    await core.listNamespace();
    return { done: true, value: undefined };
  });
  return Date.now() - stoppedAt;
}
