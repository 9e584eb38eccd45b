// Controller test helpers on top of the e2e harness (@openlocal/e2e/cluster, which also has the NLS helpers
// shared with the agent tests): controller replicas as real processes.
import {
  appProcessSpec, CONTROL_PLANE_TOOLS, freePorts, missingToolsReason, waitFor,
  type Cluster, type ManagedProcess,
} from '@openlocal/e2e/cluster';

export {
  applyInitConfig, createNode, deleteNode, getNls, readMetric, restartApiServer, startNlsCluster, sumMetric, waitFor, waitForNls,
  type Cluster, type ManagedProcess,
} from '@openlocal/e2e/cluster';

/** Why the suite cannot run here, or null. */
export function skipReason(): string | null {
  return missingToolsReason(CONTROL_PLANE_TOOLS);
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
