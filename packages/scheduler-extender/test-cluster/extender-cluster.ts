// The set-up every extender cluster suite shares, in one place: why a suite cannot run here, a control plane with
// Open-Local's CRDs and the suite's objects, an extender process waited for until it is ready, and the extender
// stanza kube-scheduler is configured with.
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  CONTROL_PLANE_TOOLS,
  appProcessSpec,
  applyManifests,
  installCrds,
  missingToolsReason,
  openLocalCrds,
  resolveAppBin,
  startCluster,
  waitFor,
  type Cluster,
  type ManagedProcess,
  type ToolName,
} from '@openlocal/e2e/cluster';
import { hostSkipReason } from '@openlocal/lvm/testing';

/** What a suite needs beyond the control plane and the built extender. */
export interface SuiteNeeds {
  /** Upstream tools besides the control plane's (e.g. csi-provisioner). */
  readonly tools?: readonly ToolName[];
  /** Root, loop devices and lvm for real VGs. */
  readonly isHostNeeded?: boolean;
  /** Built apps besides the extender (e.g. @openlocal/csi-plugin). */
  readonly apps?: readonly string[];
}

/** Why the suite cannot run here (a tool, root or a built app missing), or null when it can. */
export async function suiteSkipReason(needs: SuiteNeeds = {}): Promise<string | null> {
  const tools = missingToolsReason([...CONTROL_PLANE_TOOLS, ...(needs.tools ?? [])]);
  if (tools !== null) return tools;
  const host = needs.isHostNeeded === true ? await hostSkipReason() : null;
  if (host !== null) return host;
  try {
    for (const app of ['@openlocal/scheduler-extender', ...(needs.apps ?? [])]) resolveAppBin(app);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * A control plane with these nodes and no default scheduler (each suite starts kube-schedulers with its own
 * extender stanza), Open-Local's CRDs installed and `manifests` applied. The caller stops it.
 */
export async function startExtenderCluster(label: string, nodes: readonly string[], manifests: readonly object[]): Promise<Cluster> {
  const cluster = await startCluster({ nodes: nodes.map((name) => ({ name })), scheduler: false });
  console.log(`[scheduler-extender:cluster] ${label} logs in ${cluster.runDir}`);
  await installCrds(cluster.kubeConfig, await openLocalCrds());
  await applyManifests(cluster.kubeConfig, manifests as KubernetesObject[]);
  return cluster;
}

/** Starts an extender on 127.0.0.1:`port` against the cluster, with `args` added; waits for /readyz unless told not to. */
export async function startExtender(cluster: Cluster, options: { name: string; port: number; args: readonly string[]; isReadyAwaited?: boolean }): Promise<ManagedProcess> {
  const { name, port } = options;
  const args = ['--kubeconfig', cluster.kubeconfigPath, '--host', '127.0.0.1', '--port', String(port), ...options.args];
  const process = await cluster.startProcess(appProcessSpec({ name, packageName: '@openlocal/scheduler-extender', args }));
  if (options.isReadyAwaited === false) return process;
  await waitFor({ what: `extender ${name} ready on ${port}`, timeoutMs: 60_000 }, async () => {
    const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return response?.status === 200 ? { done: true, value: true } : { done: false, observed: response?.status ?? process.tailLog(5) };
  });
  return process;
}

/** The extender stanza of a KubeSchedulerConfiguration for the extender at `urlPrefix` (…/scheduler). */
export function extenderStanza(urlPrefix: string, options: { isNodeCacheCapable?: boolean; isIgnorable?: boolean } = {}) {
  return { urlPrefix, filterVerb: 'predicates', prioritizeVerb: 'priorities', weight: 10, nodeCacheCapable: options.isNodeCacheCapable ?? true, ignorable: options.isIgnorable ?? true };
}
