// kube-controller-manager for one harness cluster: every default controller (PV binding, StatefulSets, garbage
// collection, node lifecycle, service-account tokens), using the admin kubeconfig and our PKI.
import { readFileSync } from 'node:fs';
import type { Pki } from './pki.js';
import type { ManagedProcess, ProcessGroup } from './process-group.js';
import { waitForHealthy } from './readiness.js';
import { toolPath } from './tools.js';

export interface ControllerManagerOptions {
  readonly kubeconfigPath: string;
  readonly securePort: number;
  readonly pki: Pki;
  /** Seconds without a heartbeat before a node is marked unhealthy and tainted (upstream default 50). */
  readonly nodeMonitorGracePeriodS?: number;
  readonly extraArgs?: readonly string[];
}

/** Pure: kube-controller-manager's argv (without the binary). */
export function controllerManagerArgs(options: ControllerManagerOptions): string[] {
  const { pki } = options;
  return [
    `--kubeconfig=${options.kubeconfigPath}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${options.securePort}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCert}`,
    `--cluster-signing-cert-file=${pki.caCert}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    // One instance per cluster; leader election would only add a Lease round trip to start-up.
    '--leader-elect=false',
    // Controllers act with the admin identity: simpler than one token per controller, same behaviour.
    '--use-service-account-credentials=false',
    '--controllers=*',
    `--node-monitor-grace-period=${options.nodeMonitorGracePeriodS ?? 50}s`,
    ...(options.extraArgs ?? []),
  ];
}

/** Starts kube-controller-manager and waits for its /healthz. */
export async function startControllerManager(
  group: ProcessGroup,
  options: ControllerManagerOptions & { readonly timeoutMs: number },
): Promise<ManagedProcess> {
  const child = await group.start({
    name: 'kube-controller-manager',
    command: toolPath('kube-controller-manager'),
    args: controllerManagerArgs(options),
  });
  await waitForHealthy({
    process: child,
    url: `https://127.0.0.1:${options.securePort}/healthz`,
    tls: { ca: readFileSync(options.pki.caCert, 'utf8') },
    timeoutMs: options.timeoutMs,
  });
  return child;
}
