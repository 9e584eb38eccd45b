// Command-line flags → a validated Config. `--help` lists every flag with its default.
import { hostname } from 'node:os';
import { Command, Option } from 'commander';
import { z } from 'zod';
import { parseDurationMs } from './core/duration.js';

function duration(flag: string) {
  return z.string().transform((value, ctx) => {
    const ms = parseDurationMs(value);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: `--${flag} ${JSON.stringify(value)} is not a positive duration such as 15s, 500ms or 1m` });
      return z.NEVER;
    }
    return ms;
  });
}

const dnsName = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

export const configSchema = z
  .object({
    kubeconfig: z.string(),
    initconfig: z.string().regex(dnsName, '--initconfig must be the name of a NodeLocalStorageInitConfig (a DNS subdomain)'),
    updateNls: z.boolean(),
    leaderElect: z.boolean(),
    leaderElectLeaseName: z.string().regex(dnsName, '--leader-elect-lease-name must be a DNS subdomain'),
    leaderElectLeaseNamespace: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, '--leader-elect-lease-namespace must be a namespace name'),
    leaderElectIdentity: z.string(),
    leaderElectLeaseDuration: duration('leader-elect-lease-duration'),
    leaderElectRenewPeriod: duration('leader-elect-renew-period'),
    leaderElectRetryPeriod: duration('leader-elect-retry-period'),
    resyncPeriod: duration('resync-period'),
    workers: z.coerce.number().int('--workers must be an integer').min(1, '--workers must be at least 1').max(16, '--workers must be at most 16'),
    httpHost: z.string(),
    httpPort: z.coerce.number().int().min(0, '--http-port must be 0..65535').max(65535, '--http-port must be 0..65535'),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
    shutdownTimeout: duration('shutdown-timeout'),
    nodeLossRecovery: z.boolean(),
    nodeLossGrace: duration('node-loss-grace'),
    nodeLossInterval: duration('node-loss-interval'),
  })
  .superRefine((config, ctx) => {
    if (config.leaderElectRenewPeriod >= config.leaderElectLeaseDuration) {
      ctx.addIssue({ code: 'custom', message: '--leader-elect-renew-period must be shorter than --leader-elect-lease-duration' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export function buildCommand(): Command {
  return new Command('open-local-controller')
    .description('Keeps one NodeLocalStorage per Node from the NodeLocalStorageInitConfig (leader-elected)')
    .addOption(new Option('--kubeconfig <path>', 'kubeconfig file; in-cluster config when empty').default(''))
    .addOption(new Option('--initconfig <name>', 'the NodeLocalStorageInitConfig to honour').default('open-local'))
    .addOption(new Option('--no-update-nls', 'only create missing NLS objects; never change an existing spec (Open-Local gate UpdateNLS=false)'))
    .addOption(new Option('--no-leader-elect', 'run without leader election (only with a single replica)'))
    .addOption(new Option('--leader-elect-lease-name <name>', 'coordination.k8s.io Lease used for election').default('open-local-controller'))
    .addOption(new Option('--leader-elect-lease-namespace <ns>', 'namespace of the Lease').default('kube-system'))
    .addOption(new Option('--leader-elect-identity <id>', 'this replica in the Lease (default <hostname>_<pid>)').default(''))
    .addOption(new Option('--leader-elect-lease-duration <d>', 'how long a standby waits after the last renew it saw before taking over').default('15s'))
    .addOption(new Option('--leader-elect-renew-period <d>', 'how often the leader renews (leadership ends on the first failed renew)').default('5s'))
    .addOption(new Option('--leader-elect-retry-period <d>', 'how often a standby tries to acquire').default('2s'))
    .addOption(new Option('--resync-period <d>', 'full sweep over all nodes (a safety net; writes happen only on differences)').default('30s'))
    .addOption(new Option('--workers <n>', 'concurrent reconciles').default('2'))
    .addOption(new Option('--http-host <host>', 'address of /healthz, /readyz and /metrics').default('0.0.0.0'))
    .addOption(new Option('--http-port <port>', 'port of /healthz, /readyz and /metrics (0 = any free port)').default('8080'))
    .addOption(new Option('--log-level <level>', 'pino log level').choices(['trace', 'debug', 'info', 'warn', 'error']).default('info'))
    .addOption(new Option('--shutdown-timeout <d>', 'how long in-flight reconciles may finish on SIGTERM').default('10s'))
    .addOption(new Option('--node-loss-recovery', 'when a Node is deleted for good, delete the claims of its local volumes (and those PVs) so StatefulSets re-create them elsewhere (TopoLVM\'s node finalizer)').default(false))
    .addOption(new Option('--node-loss-grace <d>', 'how long a Node must stay deleted before its claims are deleted').default('5m'))
    .addOption(new Option('--node-loss-interval <d>', 'how often node-loss recovery looks').default('30s'));
}

/** Parses argv (as process.argv: node, script, flags...) into a Config; throws with every problem listed. */
export function parseConfig(argv: readonly string[]): Config {
  const command = buildCommand();
  command.parse([...argv]);
  const parsed = configSchema.safeParse(command.opts());
  if (!parsed.success) throw new Error(`invalid flags:\n${parsed.error.issues.map((i) => `  ${i.message}`).join('\n')}`);
  const config = parsed.data;
  if (config.leaderElectIdentity === '') config.leaderElectIdentity = `${hostname()}_${process.pid}`;
  return config;
}
