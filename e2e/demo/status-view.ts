// The live status view while the demo runs: which components run (and which died, with their log), each VG's
// use from the NLS objects, where the demo's claims stand, and how to look around with kubectl.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '../cluster/index.js';
import { readClusterState, nlsTable } from './state.js';
import { NAMESPACE } from './workload.js';

/** What one refresh shows; plain data so rendering stays pure. */
export interface StatusSnapshot {
  readonly at: Date;
  readonly uptimeMs: number;
  readonly running: number;
  /** One line per component that ended on its own: name, pid, how, and its log path. */
  readonly problems: readonly string[];
  readonly nlsTable: string;
  /** Claim phase → count, in the demo namespace. */
  readonly claims: Readonly<Record<string, number>>;
  /** Pods in the demo namespace still waiting for a node, with the scheduler's message. */
  readonly pendingPods: readonly string[];
  /** Resident memory of each running component (what the chart's resource requests are set from). */
  readonly memory: readonly { readonly name: string; readonly rssMiB: number }[];
}

/** Pure: the status block. */
export function renderStatus(snapshot: StatusSnapshot, explore: string): string {
  const claims = Object.entries(snapshot.claims).map(([phase, count]) => `${count} ${phase}`).join(', ') || 'none';
  return [
    `── status ${snapshot.at.toISOString()} (up ${Math.round(snapshot.uptimeMs / 1000)} s) ──`,
    snapshot.problems.length === 0
      ? `components: all ${snapshot.running} running`
      : [`components: ${snapshot.running} running; ${snapshot.problems.length} DIED:`, ...snapshot.problems.map((line) => `  DIED ${line}`)].join('\n'),
    `memory (RSS MiB): ${snapshot.memory.map((m) => `${m.name} ${m.rssMiB.toFixed(0)}`).join(', ') || 'none'}`,
    snapshot.nlsTable,
    `claims in namespace ${NAMESPACE}: ${claims}`,
    ...snapshot.pendingPods.map((line) => `  pending pod ${line}`),
    explore,
  ].join('\n');
}

function hasKubectl(): boolean {
  return spawnSync('sh', ['-c', 'command -v kubectl'], { stdio: 'ignore' }).status === 0;
}

/** Pure apart from the PATH lookup: how to look at the running cluster from another terminal. */
export function exploreHint(cluster: Pick<Cluster, 'kubeconfigPath' | 'apiServerUrl' | 'pki'>, isKubectlFound: boolean = hasKubectl()): string {
  if (isKubectlFound) {
    return `explore: KUBECONFIG=${cluster.kubeconfigPath} kubectl get nls,pvc,pv -A   (any kubectl ≥ 1.30)`;
  }
  const { caCert, adminCert, adminKey } = cluster.pki;
  return [
    `explore: no kubectl on PATH (the pinned multi-call build has none); with any kubectl: KUBECONFIG=${cluster.kubeconfigPath} kubectl get nls`,
    `  or: curl --cacert ${caCert} --cert ${adminCert} --key ${adminKey} ${cluster.apiServerUrl}/apis/csi.aliyun.com/v1alpha1/nodelocalstorages`,
  ].join('\n');
}

/** Pure: the first `maxLength` characters of a long message (the scheduler repeats its reason per node). */
export function shorten(message: string, maxLength = 160): string {
  return message.length <= maxLength ? message : `${message.slice(0, maxLength - 1)}…`;
}

async function namespaceView(kubeConfig: KubeConfig): Promise<{ claims: Record<string, number>; pendingPods: string[] }> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const claims: Record<string, number> = {};
  for (const claim of (await core.listNamespacedPersistentVolumeClaim({ namespace: NAMESPACE })).items) {
    const phase = claim.status?.phase ?? 'Unknown';
    claims[phase] = (claims[phase] ?? 0) + 1;
  }
  const pendingPods = (await core.listNamespacedPod({ namespace: NAMESPACE })).items
    .filter((pod) => pod.spec?.nodeName === undefined)
    .map((pod) => `${pod.metadata?.name ?? '?'}: ${shorten(pod.status?.conditions?.find((c) => c.type === 'PodScheduled')?.message ?? 'not scheduled yet')}`);
  return { claims, pendingPods };
}

/** A process's resident set in MiB from /proc (undefined once it is gone). */
export function rssMiBOf(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) / 1024;
  } catch {
    return undefined;
  }
}

/** Reads everything the status view shows. */
export async function readStatus(cluster: Cluster, startedAtMs: number): Promise<StatusSnapshot> {
  const state = await readClusterState(cluster.kubeConfig);
  const view = await namespaceView(cluster.kubeConfig);
  return {
    at: new Date(),
    uptimeMs: performance.now() - startedAtMs,
    running: cluster.processes().filter((child) => child.exitInfo() === undefined).length,
    problems: cluster.problems(),
    nlsTable: nlsTable(state.nls),
    memory: cluster.processes().flatMap((child) => {
      const rssMiB = child.exitInfo() === undefined ? rssMiBOf(child.pid) : undefined;
      return rssMiB === undefined ? [] : [{ name: child.name, rssMiB }];
    }),
    ...view,
  };
}
