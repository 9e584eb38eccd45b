// kube-apiserver for one harness cluster: loopback, client-certificate authentication, RBAC, our PKI.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pki } from './pki.js';
import type { ManagedProcess, ProcessGroup } from './process-group.js';
import { waitForHealthy } from './readiness.js';
import { toolPath } from './tools.js';

export interface ApiServerOptions {
  readonly etcdUrl: string;
  readonly securePort: number;
  readonly pki: Pki;
  /** Scratch directory the API server may write into. */
  readonly workDir: string;
  /** Extra `--flag=value` arguments (e.g. feature gates); appended last so they win. */
  readonly extraArgs?: readonly string[];
}

/** Pure: kube-apiserver's argv (without the binary). */
export function apiServerArgs(options: ApiServerOptions): string[] {
  const { pki } = options;
  return [
    `--etcd-servers=${options.etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    // The endpoint reconciler refuses a loopback address; nothing in the cluster dials the kubernetes Service.
    '--endpoint-reconciler-type=none',
    `--secure-port=${options.securePort}`,
    `--cert-dir=${join(options.workDir, 'apiserver-certs')}`,
    `--tls-cert-file=${pki.servingCert}`,
    `--tls-private-key-file=${pki.servingKey}`,
    `--client-ca-file=${pki.caCert}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=Node,RBAC',
    '--allow-privileged=true',
    '--profiling=false',
    ...(options.extraArgs ?? []),
  ];
}

/** Starts kube-apiserver and waits for /readyz (every post-start hook done). */
export async function startApiServer(
  group: ProcessGroup,
  options: ApiServerOptions & { readonly timeoutMs: number },
): Promise<{ process: ManagedProcess; url: string }> {
  mkdirSync(join(options.workDir, 'apiserver-certs'), { recursive: true });
  const child = await group.start({
    name: 'kube-apiserver',
    command: toolPath('kube-apiserver'),
    args: apiServerArgs(options),
    // Graceful shutdown drains for a while; tests have nothing in flight by then.
    stopGraceMs: 10_000,
  });
  const url = `https://127.0.0.1:${options.securePort}`;
  const tls = {
    ca: readFileSync(options.pki.caCert, 'utf8'),
    cert: readFileSync(options.pki.adminCert, 'utf8'),
    key: readFileSync(options.pki.adminKey, 'utf8'),
  };
  await waitForHealthy({ process: child, url: `${url}/readyz`, tls, timeoutMs: options.timeoutMs });
  return { process: child, url };
}
