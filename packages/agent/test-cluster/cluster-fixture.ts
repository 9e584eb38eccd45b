// Agent test helpers on top of the e2e harness (@openlocal/e2e/cluster, which also has the NLS helpers shared
// with the controller tests): the init config and NLS waits in the agent suite's shape, events, and the
// controller and one agent process per simulated node.
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { NodeLocalStorage, NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import {
  appProcessSpec, applyInitConfig as applyNamedInitConfig, CONTROL_PLANE_TOOLS, freePorts, missingToolsReason, waitFor, waitForNls as waitForNlsOrNull,
  type Cluster, type ManagedProcess,
} from '@openlocal/e2e/cluster';
import type { NodeSandbox } from './node-sandbox.js';

export { createNode, getNls, restartApiServer, startNlsCluster, sumMetric, waitFor, type Cluster, type ManagedProcess } from '@openlocal/e2e/cluster';

export function clusterSkipReason(): string | null {
  return missingToolsReason(CONTROL_PLANE_TOOLS);
}

/** The agent suite has one init config, `open-local`. */
export async function applyInitConfig(kubeConfig: KubeConfig, spec: NodeLocalStorageInitConfigSpec): Promise<void> {
  await applyNamedInitConfig(kubeConfig, 'open-local', spec);
}

/** Waits for NLS `name` to exist and satisfy `isDone`. */
export async function waitForNls(kubeConfig: KubeConfig, name: string, what: string, isDone: (nls: NodeLocalStorage) => boolean): Promise<NodeLocalStorage> {
  const nls = await waitForNlsOrNull(kubeConfig, name, what, (n) => n !== null && isDone(n), { timeoutMs: 40_000, intervalMs: 200 });
  if (nls === null) throw new Error(`NLS ${name} vanished while waiting for: ${what}`);
  return nls;
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
  return startAgentBuild(cluster, node, { extraArgs });
}

/** startAgentProcess with another build of the agent (`bin`, e.g. the image's bundle; default the workspace's). */
export async function startAgentBuild(cluster: Cluster, node: NodeSandbox, options: { extraArgs?: readonly string[]; bin?: string | undefined }): Promise<AgentProcess> {
  const [port] = (await freePorts(1)) as [number];
  const spec = appProcessSpec({
    name: `agent-${node.name}`, packageName: '@openlocal/agent',
    args: [
      '--nodename', node.name, '--kubeconfig', cluster.kubeconfigPath, '--interval', '2', '--heartbeat-interval', '60',
      '--regexp', node.deviceRegexp, '--path.mount', node.mountRoot, '--lvm-system-dir', node.lvmSystemDir,
      '--metrics-host', '127.0.0.1', '--metrics-port', String(port), ...(options.extraArgs ?? []),
    ],
  });
  const process = await cluster.startProcess(options.bin === undefined ? spec : { ...spec, args: [options.bin, ...spec.args.slice(1)] });
  return { process, port };
}
