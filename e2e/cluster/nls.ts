// NodeLocalStorage helpers of the agent and controller cluster tests: a control plane with our CRDs, Nodes,
// the init config, NLS reads and waits, Prometheus samples of an app's /metrics, and a kube-apiserver restart.
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1Node } from '@kubernetes/client-node';
import { GROUP, NLS, NLSC, VERSION, type NodeLocalStorage, type NodeLocalStorageInitConfigSpec } from '@openlocal/crd-types';
import { applyManifests } from './apply.js';
import { startCluster, type Cluster } from './cluster.js';
import { installCrds } from './crds.js';
import { openLocalCrds } from './openlocal-crds.js';
import { waitFor } from './wait.js';

/** A control plane without scheduler or nodes, with the NLS and NLSC CRDs installed (stopped again on failure). */
export async function startNlsCluster(): Promise<Cluster> {
  const cluster = await startCluster({ scheduler: false, nodes: [] });
  try {
    await installCrds(cluster.kubeConfig, await openLocalCrds());
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

/** A Node object labelled `kubernetes.io/hostname: <name>` plus `labels`. */
export async function createNode(kubeConfig: KubeConfig, name: string, labels: Record<string, string> = {}): Promise<V1Node> {
  return kubeConfig.makeApiClient(CoreV1Api).createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } } });
}

/** Deletes a Node; one already gone is fine. */
export async function deleteNode(kubeConfig: KubeConfig, name: string): Promise<void> {
  try {
    await kubeConfig.makeApiClient(CoreV1Api).deleteNode({ name });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
}

/** Creates or replaces the NodeLocalStorageInitConfig `name`. */
export async function applyInitConfig(kubeConfig: KubeConfig, name: string, spec: NodeLocalStorageInitConfigSpec): Promise<void> {
  const object: KubernetesObject & { spec: NodeLocalStorageInitConfigSpec } = { apiVersion: `${GROUP}/${VERSION}`, kind: NLSC.kind, metadata: { name }, spec };
  await applyManifests(kubeConfig, object);
}

/** The NodeLocalStorage `name`, or null when there is none. */
export async function getNls(kubeConfig: KubeConfig, name: string): Promise<NodeLocalStorage | null> {
  try {
    return (await kubeConfig.makeApiClient(CustomObjectsApi).getClusterCustomObject({ group: GROUP, version: VERSION, plural: NLS.plural, name })) as NodeLocalStorage;
  } catch (error) {
    if ((error as { code?: number }).code === 404) return null;
    throw error;
  }
}

export interface NlsWait {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/** Polls NLS `name` until `isDone` holds (it sees null while there is none); the timeout names `what`. */
export async function waitForNls(
  kubeConfig: KubeConfig, name: string, what: string, isDone: (nls: NodeLocalStorage | null) => boolean,
  wait: NlsWait = { timeoutMs: 30_000, intervalMs: 100 },
): Promise<NodeLocalStorage | null> {
  return waitFor({ what: `NLS ${name}: ${what}`, ...wait }, async () => {
    const nls = await getNls(kubeConfig, name);
    return isDone(nls) ? { done: true, value: nls } : { done: false, observed: nls?.status ?? nls };
  });
}

/** Value of one sample on an app's /metrics, e.g. `openlocal_controller_nls_writes_total{verb="create"}`; 0 when absent. */
export async function readMetric(port: number, sample: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

/** Sum of every sample of metric `name` on an app's /metrics (all label sets). */
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
