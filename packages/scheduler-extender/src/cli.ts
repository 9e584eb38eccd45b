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
  /** Open-Local's CapacityMatch for pods with no local volumes: nodes without local storage score 10. */
  isPreferringStoragelessNodes: boolean;
  reservationTtlMs: number;
  /** Release a claim whose selected node can no longer host it after this long (core/rescue.ts); 0 = never. */
  rescueAfterMs: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** Abuse bounds (issue #16; docs/hardening.md): bodies, requests and connections in flight, slow clients. */
  limits: { maxBodyBytes: number; maxBufferedBytes: number; maxInFlight: number };
  maxConnections: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  podWaitMs: number;
  /** HTTPS when set; with clientCaFile, kube-scheduler's routes need a client certificate that CA signed. */
  tls: TlsFiles | undefined;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile: string | undefined;
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
  preferStoragelessNodes: z.boolean(),
  reservationTtl: z.coerce.number().positive().max(3600),
  rescueAfter: z.coerce.number().min(0).max(86_400),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']),
  maxBodyBytes: z.coerce.number().int().min(1024),
  maxBufferedBytes: z.coerce.number().int().min(1024),
  maxInFlight: z.coerce.number().int().min(1).max(100_000),
  maxConnections: z.coerce.number().int().min(1).max(1_000_000),
  headersTimeout: z.coerce.number().positive().max(3600),
  requestTimeout: z.coerce.number().positive().max(3600),
  podWait: z.coerce.number().min(0).max(60),
  tlsCertFile: z.string().min(1).optional(),
  tlsPrivateKeyFile: z.string().min(1).optional(),
  tlsClientCaFile: z.string().min(1).optional(),
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
    .option('--no-prefer-storageless-nodes', "score every node 0 for pods with no local volumes instead of Open-Local's 10 on nodes without local storage (docs/open-local-scores.md)")
    .option('--reservation-ttl <seconds>', 'how long a filter-time reservation waits for the selected-node annotation', '30')
    .option('--rescue-after <seconds>', 'remove volume.kubernetes.io/selected-node from a pending claim whose node has stayed unable to host its pod this long (node or NLS gone, volumes no longer fit), so kube-scheduler places the pod again; 0 = never', '60')
    .option('--log-level <level>', 'trace, debug, info, warn or error', 'info')
    .option('--max-body-bytes <bytes>', 'largest request body (413 above); kube-scheduler sends ~3 MiB at 5000 nodes with nodeCacheCapable', String(32 * 2 ** 20))
    .option('--max-buffered-bytes <bytes>', 'request-body bytes held at once across requests (429 above)', String(128 * 2 ** 20))
    .option('--max-in-flight <n>', 'requests between arrival and answer (429 above); kube-scheduler sends one at a time per profile', '64')
    .option('--max-connections <n>', 'open connections; more are dropped', '256')
    .option('--headers-timeout <seconds>', 'a client must send its request headers within this (slow clients are cut off)', '10')
    .option('--request-timeout <seconds>', 'a client must send its whole request within this', '30')
    .option('--pod-wait <seconds>', 'how long a filter waits for the informer to deliver a pod it has not seen yet', '1')
    .option('--tls-cert-file <path>', 'serve HTTPS with this certificate (PEM); needs --tls-private-key-file')
    .option('--tls-private-key-file <path>', 'private key of --tls-cert-file (PEM)')
    .option('--tls-client-ca-file <path>', 'require a client certificate signed by this CA (PEM) on the /scheduler routes and /cache (mTLS with kube-scheduler)');
}

function tlsFiles(o: { tlsCertFile?: string | undefined; tlsPrivateKeyFile?: string | undefined; tlsClientCaFile?: string | undefined }): TlsFiles | undefined {
  if (o.tlsCertFile === undefined && o.tlsPrivateKeyFile === undefined) {
    if (o.tlsClientCaFile !== undefined) throw new ConfigError(`--tls-client-ca-file: needs --tls-cert-file and --tls-private-key-file (got ${JSON.stringify(o.tlsClientCaFile)} alone)`);
    return undefined;
  }
  if (o.tlsCertFile === undefined) throw new ConfigError(`--tls-cert-file: required with --tls-private-key-file ${JSON.stringify(o.tlsPrivateKeyFile)}`);
  if (o.tlsPrivateKeyFile === undefined) throw new ConfigError(`--tls-private-key-file: required with --tls-cert-file ${JSON.stringify(o.tlsCertFile)}`);
  return { certFile: o.tlsCertFile, keyFile: o.tlsPrivateKeyFile, clientCaFile: o.tlsClientCaFile };
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
    isPreferringStoragelessNodes: o.preferStoragelessNodes,
    reservationTtlMs: Math.round(o.reservationTtl * 1000),
    rescueAfterMs: Math.round(o.rescueAfter * 1000),
    logLevel: o.logLevel,
    limits: { maxBodyBytes: o.maxBodyBytes, maxBufferedBytes: o.maxBufferedBytes, maxInFlight: o.maxInFlight },
    maxConnections: o.maxConnections,
    headersTimeoutMs: Math.round(o.headersTimeout * 1000),
    requestTimeoutMs: Math.round(o.requestTimeout * 1000),
    podWaitMs: Math.round(o.podWait * 1000),
    tls: tlsFiles(o),
  };
}
