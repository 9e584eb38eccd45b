// Test helpers on top of the e2e harness: a cluster with our CRDs, Node and NLSC helpers, controller replicas
// as real processes, and reading their metrics.
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1Node } from '@kubernetes/client-node';
import { GROUP, loadCrdManifests, NLS, NLSC, VERSION, type NodeLocalStorage, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import {
  appProcessSpec, applyManifests, CONTROL_PLANE_TOOLS, freePorts, installCrds, missingToolsReason, startCluster, waitFor,
  type Cluster, type ManagedProcess,
} from '@openlocal/e2e/cluster';

export { waitFor, type Cluster, type ManagedProcess };

/** Why the suite cannot run here, or null. */
export function skipReason(): string | null {
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

export async function createNode(kubeConfig: KubeConfig, name: string, labels: Record<string, string> = {}): Promise<V1Node> {
  return kubeConfig.makeApiClient(CoreV1Api).createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } } });
}

export async function deleteNode(kubeConfig: KubeConfig, name: string): Promise<void> {
  try {
    await kubeConfig.makeApiClient(CoreV1Api).deleteNode({ name });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
}

export async function applyInitConfig(kubeConfig: KubeConfig, name: string, spec: NodeLocalStorageInitConfigSpec): Promise<void> {
  const object: KubernetesObject & { spec: NodeLocalStorageInitConfigSpec } = { apiVersion: `${GROUP}/${VERSION}`, kind: NLSC.kind, metadata: { name }, spec };
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

export async function waitForNls(kubeConfig: KubeConfig, name: string, what: string, isDone: (nls: NodeLocalStorage | null) => boolean, timeoutMs = 30_000): Promise<NodeLocalStorage | null> {
  return waitFor({ what: `NLS ${name}: ${what}`, timeoutMs, intervalMs: 100 }, async () => {
    const nls = await getNls(kubeConfig, name);
    return isDone(nls) ? { done: true, value: nls } : { done: false, observed: nls };
  });
}

export interface ControllerReplica {
  readonly process: ManagedProcess;
  readonly port: number;
  readonly identity: string;
}

export async function startController(cluster: Cluster, identity: string, extraArgs: readonly string[] = []): Promise<ControllerReplica> {
  const [port] = (await freePorts(1)) as [number];
  const process = await cluster.startProcess(appProcessSpec({
    name: `controller-${identity}`,
    packageName: '@openlocal/controller',
    args: [
      '--kubeconfig', cluster.kubeconfigPath, '--http-host', '127.0.0.1', '--http-port', String(port), '--leader-elect-identity', identity,
      '--leader-elect-lease-duration', '4s', '--leader-elect-renew-period', '1s', '--leader-elect-retry-period', '500ms', '--resync-period', '2s',
      ...extraArgs,
    ],
  }));
  await waitFor({ what: `controller ${identity} /healthz`, timeoutMs: 30_000, intervalMs: 200 }, async () => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`);
    return response.ok ? { done: true, value: undefined } : { done: false, observed: response.status };
  });
  return { process, port, identity };
}

/** Value of one sample of a Prometheus metric, e.g. `openlocal_controller_nls_writes_total{verb="create"}`; 0 when absent. */
export async function readMetric(port: number, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

export async function sumMetric(port: number, name: string): Promise<number> {
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
  const [command = '', ...args] = JSON.parse(header.slice(header.indexOf('argv: ') + 6)) as string[];
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
