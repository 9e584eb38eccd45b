// kube-scheduler with a generated KubeSchedulerConfiguration: a profile name of our choice and an optional
// extender stanza (the shape Open-Local users put in their scheduler config). Several schedulers may run on
// one cluster, each with its own schedulerName; pods pick one through spec.schedulerName.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Pki } from './pki.js';
import type { ManagedProcess, ProcessGroup } from './process-group.js';
import { waitForHealthy } from './readiness.js';
import { toolPath } from './tools.js';

/** The fields of a kube-scheduler `Extender` entry we support, spelled as kube-scheduler spells them. */
export interface ExtenderConfig {
  /** `http://host:port/prefix`; kube-scheduler appends `/<verb>`. */
  readonly urlPrefix: string;
  readonly filterVerb?: string;
  readonly prioritizeVerb?: string;
  /** Multiplier for prioritize scores; kube-scheduler requires it to be positive when prioritizeVerb is set. */
  readonly weight?: number;
  /** When true, kube-scheduler sends only node names (`NodeNames`) instead of whole Node objects. */
  readonly nodeCacheCapable?: boolean;
  /** When true, an unreachable extender is skipped instead of failing the pod's scheduling. */
  readonly ignorable?: boolean;
  readonly httpTimeout?: string;
  readonly managedResources?: readonly { name: string; ignoredByScheduler?: boolean }[];
  /** kube-scheduler's ExtenderTLSConfig for an https urlPrefix: its client certificate and the CA it trusts. */
  readonly tlsConfig?: { readonly certFile?: string; readonly keyFile?: string; readonly caFile?: string; readonly serverName?: string; readonly insecure?: boolean };
}

export interface SchedulerConfigOptions {
  readonly kubeconfigPath: string;
  /** Profile name pods select with spec.schedulerName (default `default-scheduler`). */
  readonly schedulerName?: string;
  readonly extenders?: readonly ExtenderConfig[];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const VERB = /^[A-Za-z0-9_/-]+$/;

function validateExtender(extender: ExtenderConfig, index: number): void {
  const field = (name: string): string => `extenders[${index}].${name}`;
  let url: URL;
  try {
    url = new URL(extender.urlPrefix);
  } catch (error) {
    throw new Error(`${field('urlPrefix')} must be an http(s) URL, got ${JSON.stringify(extender.urlPrefix)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${field('urlPrefix')} must be an http(s) URL, got ${JSON.stringify(extender.urlPrefix)}`);
  }
  for (const verb of ['filterVerb', 'prioritizeVerb'] as const) {
    const value = extender[verb];
    if (value !== undefined && !VERB.test(value)) throw new Error(`${field(verb)} must be a path segment, got ${JSON.stringify(value)}`);
  }
  const weight = extender.weight;
  if (weight !== undefined && (!Number.isSafeInteger(weight) || weight <= 0)) {
    throw new Error(`${field('weight')} must be a positive integer, got ${JSON.stringify(weight)}`);
  }
  if (extender.prioritizeVerb !== undefined && weight === undefined) {
    throw new Error(`${field('weight')} is required when ${field('prioritizeVerb')} is set (kube-scheduler rejects weight 0)`);
  }
}

/** Pure: the KubeSchedulerConfiguration YAML. Throws naming the field on bad input. */
export function renderSchedulerConfig(options: SchedulerConfigOptions): string {
  const schedulerName = options.schedulerName ?? 'default-scheduler';
  if (!DNS_LABEL.test(schedulerName)) throw new Error(`schedulerName must be a DNS label, got ${JSON.stringify(schedulerName)}`);
  const extenders = options.extenders ?? [];
  extenders.forEach(validateExtender);
  return stringify({
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig: options.kubeconfigPath },
    // Several schedulers (one per profile name) share a cluster; each is alone in its role.
    leaderElection: { leaderElect: false },
    profiles: [{ schedulerName }],
    ...(extenders.length > 0 ? { extenders: extenders.map((extender) => ({ ...extender })) } : {}),
  });
}

export interface SchedulerOptions extends SchedulerConfigOptions {
  readonly securePort: number;
  readonly pki: Pki;
  /** Where the config file is written. */
  readonly workDir: string;
  readonly timeoutMs: number;
  /** Log/process name (default `kube-scheduler`, or `kube-scheduler-<schedulerName>` for other profiles). */
  readonly name?: string;
  /** kube-scheduler's own klog verbosity; 4 or more logs every extender call. */
  readonly verbosity?: number;
}

/** Pure: kube-scheduler's argv (without the binary). */
export function schedulerArgs(options: { configPath: string; securePort: number; pki: Pki; verbosity?: number }): string[] {
  return [
    `--config=${options.configPath}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${options.securePort}`,
    `--tls-cert-file=${options.pki.servingCert}`,
    `--tls-private-key-file=${options.pki.servingKey}`,
    `--v=${options.verbosity ?? 2}`,
  ];
}

/** Writes the config, starts kube-scheduler and waits for its /readyz. */
export async function startScheduler(group: ProcessGroup, options: SchedulerOptions): Promise<ManagedProcess> {
  const schedulerName = options.schedulerName ?? 'default-scheduler';
  const name = options.name ?? (schedulerName === 'default-scheduler' ? 'kube-scheduler' : `kube-scheduler-${schedulerName}`);
  const configPath = join(options.workDir, `${name}.yaml`);
  writeFileSync(configPath, renderSchedulerConfig(options));
  const child = await group.start({
    name,
    command: toolPath('kube-scheduler'),
    args: schedulerArgs({ configPath, securePort: options.securePort, pki: options.pki, verbosity: options.verbosity }),
  });
  await waitForHealthy({
    process: child,
    // /readyz includes informer and event-handler sync: once it answers, new pods are scheduled at once.
    url: `https://127.0.0.1:${options.securePort}/readyz`,
    tls: { ca: readFileSync(options.pki.caCert, 'utf8') },
    timeoutMs: options.timeoutMs,
  });
  return child;
}
