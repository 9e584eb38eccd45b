// Flags → a validated Config. Open-Local's names are kept (--port, --scheduler-strategy,
// --enabled-node-anti-affinity, --kubeconfig, --master); --help shows every default.
import { Command, Option } from 'commander';
import { z } from 'zod';
import type { AntiAffinityWeights } from './core/types.js';

export interface Config {
  port: number;
  host: string;
  strategy: 'binpack' | 'spread';
  antiAffinity: AntiAffinityWeights;
  kubeconfig: string | undefined;
  master: string | undefined;
  isChoosingNode: boolean;
  reservationTtlMs: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
}

/** Thrown for a bad flag; its message names the flag and the value. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** "MountPoint=5,Device" → {MountPoint: 5, Device: 5}; weights 0–10 as in Open-Local (default 5). */
export function parseAntiAffinity(text: string): AntiAffinityWeights {
  const weights: AntiAffinityWeights = {};
  for (const entry of text.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const [type = '', rawWeight] = entry.split('=').map((part) => part.trim());
    const weight = rawWeight === undefined ? 5 : Number(rawWeight);
    if (!['LVM', 'Device', 'MountPoint'].includes(type)) {
      throw new ConfigError(`--enabled-node-anti-affinity: volume type ${JSON.stringify(type)} is not one of LVM, Device, MountPoint`);
    }
    if (!Number.isInteger(weight) || weight < 0 || weight > 10) {
      throw new ConfigError(`--enabled-node-anti-affinity: weight ${JSON.stringify(rawWeight)} of ${type} must be an integer in [0,10]`);
    }
    // Open-Local accepts LVM here but only honours the exclusive kinds.
    if (type === 'Device' || type === 'MountPoint') weights[type] = weight;
  }
  return weights;
}

const optionsSchema = z.object({
  port: z.coerce.number().int().min(1).max(65535),
  host: z.string().min(1),
  strategy: z.enum(['binpack', 'spread']),
  enabledNodeAntiAffinity: z.string(),
  kubeconfig: z.string().optional(),
  master: z.string().optional(),
  chooseNode: z.boolean(),
  reservationTtl: z.coerce.number().positive().max(3600),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
});

export function buildCommand(): Command {
  return new Command('open-local-scheduler-extender')
    .description('kube-scheduler extender for Open-Local: capacity-aware filter and score of nodes for pods with local volumes')
    .option('--port <port>', 'HTTP port (Open-Local used 23000)', '23000')
    .option('--host <address>', 'address to listen on', '0.0.0.0')
    .addOption(new Option('--strategy <name>', 'placement strategy').choices(['binpack', 'spread']).default('binpack'))
    .addOption(new Option('--scheduler-strategy <name>', "Open-Local's name for --strategy").choices(['binpack', 'spread']))
    .option('--enabled-node-anti-affinity <weights>', 'e.g. "MountPoint=5,Device=3": score nodes without free resources of a kind higher for pods that do not ask for it (weight 0-10, default 5)', '')
    .option('--kubeconfig <path>', 'kubeconfig file (default: in-cluster, then $KUBECONFIG, then ~/.kube/config)')
    .option('--master <url>', 'API server URL, overrides the kubeconfig server')
    .option('--no-choose-node', 'answer every fitting node instead of choosing one and reserving its capacity (Open-Local behaviour; see docs/adr/0001)')
    .option('--reservation-ttl <seconds>', 'how long a filter-time reservation waits for the selected-node annotation', '30')
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info');
}

/** Parses argv (`process.argv` shape) into a Config; throws ConfigError naming the bad flag. */
export function parseConfig(argv: readonly string[]): Config {
  const command = buildCommand().exitOverride();
  command.parse([...argv]);
  const raw = command.opts<Record<string, unknown>>();
  const parsed = optionsSchema.safeParse({ ...raw, strategy: raw['schedulerStrategy'] ?? raw['strategy'] });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag = String(issue?.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new ConfigError(`--${flag}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(raw[String(issue?.path[0])])})`);
  }
  const o = parsed.data;
  return {
    port: o.port,
    host: o.host,
    strategy: o.strategy,
    antiAffinity: parseAntiAffinity(o.enabledNodeAntiAffinity),
    kubeconfig: o.kubeconfig,
    master: o.master,
    isChoosingNode: o.chooseNode,
    reservationTtlMs: Math.round(o.reservationTtl * 1000),
    logLevel: o.logLevel,
  };
}
