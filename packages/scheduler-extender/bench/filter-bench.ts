// Filter and prioritize latency over HTTP, as kube-scheduler sees it: the extender runs in its own process
// (bench-server.ts, the real express app), this process is the client and sends what kube-scheduler sends —
// ExtenderArgs JSON with the whole Pod and the NodeNames list (nodeCacheCapable) — for 100, 1000 and 5000
// nodes, pods with 1 and 4 claims and a pod with no local volumes, and issue #20's 8-claim pod on nodes with
// three VGs (its own server: bench/three-vg-state.ts). Prints p50/p99 in milliseconds.
// Run: npx tsx bench/filter-bench.ts [--iterations 1000] [--nodes 100,1000,5000] [--pods none,1,4,8] [--floor]
//      [--node-client] [-- <node flags for the server process, e.g. --max-semi-space-size=32>]
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { ParentMessage, ServerMessage } from './bench-server.js';
import { BENCH_PODS, schedulerPod } from './bench-pods.js';
import { RawHttpClient } from './raw-client.js';

const separator = process.argv.indexOf('--');
const { values: flags } = parseArgs({
  args: separator === -1 ? process.argv.slice(2) : process.argv.slice(2, separator),
  options: {
    iterations: { type: 'string', default: '1000' },
    nodes: { type: 'string', default: '100,1000,5000' },
    // Which pods: any of "none,1,4,8" (claims per pod); a profile of one case is easier to read.
    pods: { type: 'string', default: 'none,1,4,8' },
    // Adds, per node count, plain node:http answering the same bytes: what this machine allows at that moment.
    floor: { type: 'boolean', default: false },
    // node's http.request instead of the raw client: its own allocations and GC then count in "rt".
    'node-client': { type: 'boolean', default: false },
  },
});
const serverFlags = separator === -1 ? [] : process.argv.slice(separator + 1);
const ITERATIONS = Math.min(Number(flags.iterations), 20_000);
const NODE_COUNTS = flags.nodes.split(',').map(Number);
const POD_CASES = flags.pods.split(',');
// At least this many requests and this long before each cell: V8 optimises the hot paths and finishes the
// concurrent marking and compiling that building the cluster state started, as in a server that has been
// answering kube-scheduler for a while (without it the first cell's p99 doubles).
const WARMUP = 300;
const WARMUP_MS = 3000;

type SamplesMessage = Extract<ServerMessage, { type: 'samples' }>;

interface ServerProcess {
  child: ChildProcess;
  port: number;
  pid: number;
  execArgv: string[];
  ask(message: ParentMessage): Promise<SamplesMessage>;
}

/** `floor`: plain node:http; `two-vgs`: the cluster of the none/1/4 cells; `three-vgs`: the 8-claim cell's. */
type ServerMode = 'floor' | 'two-vgs' | 'three-vgs';

function startServer(nodes: number, mode: ServerMode): Promise<ServerProcess> {
  const script = fileURLToPath(new URL('./bench-server.ts', import.meta.url));
  const child = fork(script, [String(nodes), ...(mode === 'two-vgs' ? [] : [mode])], { execArgv: ['--import', 'tsx', '--expose-gc', ...serverFlags], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message: ParentMessage): Promise<SamplesMessage> =>
    new Promise((resolve) => {
      child.once('message', (reply: ServerMessage) => resolve(reply as SamplesMessage));
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench-server exited with ${code} before it listened`)));
    child.once('message', (message: ServerMessage) => {
      if (message.type === 'ready') resolve({ child, port: message.port, pid: message.pid, execArgv: message.execArgv, ask });
    });
  });
}

interface Client {
  /** One request; the answer's body only when `keep` (decoding it is kube-scheduler's work, not the extender's). */
  post(path: string, body: Buffer, keep?: boolean): Promise<{ ms: number; body?: Buffer }>;
  close(): void;
}

async function rawClient(port: number): Promise<Client> {
  const client = await RawHttpClient.connect(port);
  const requests = new Map<string, Buffer>();
  return {
    async post(path, body, keep = false) {
      const key = `${path} ${body.length}`;
      const request = requests.get(key) ?? client.request(path, body);
      requests.set(key, request);
      const answer = await client.send(request, keep);
      if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status}`);
      return answer;
    },
    close: () => client.close(),
  };
}

function nodeClient(port: number): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (path: string, body: Buffer): Promise<{ ms: number; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const headers = { 'content-type': 'application/json', 'content-length': body.length };
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          if (res.statusCode === 200) resolve({ ms, body: Buffer.concat(chunks) });
          else reject(new Error(`${path}: HTTP ${res.statusCode}`));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Case {
  label: string;
  body: Buffer;
  /** How many names the filter must pass: every candidate for a pass-through pod, one chosen node otherwise. */
  wantPassing: number;
  mode: ServerMode;
}

/** The answers must be right before their speed means anything: checked once per case, outside the timing. */
async function checkAnswers(client: Client, wanted: Case): Promise<void> {
  const filterText = (await client.post('/scheduler/predicates', wanted.body, true)).body?.toString() ?? '';
  const prioritizeText = (await client.post('/scheduler/priorities', wanted.body, true)).body?.toString() ?? '';
  const filter = JSON.parse(filterText) as { NodeNames?: unknown; Error?: unknown };
  if (!Array.isArray(filter.NodeNames) || filter.NodeNames.length !== wanted.wantPassing || filter.Error !== '') {
    throw new Error(`${wanted.label}: filter answered ${filterText.slice(0, 200)}…, want ${wanted.wantPassing} names`);
  }
  if (!Array.isArray(JSON.parse(prioritizeText))) throw new Error(`${wanted.label}: prioritize answered ${prioritizeText.slice(0, 200)}`);
}

interface Stats {
  p50: number;
  p99: number;
  max: number;
  serverP50: number;
  serverP99: number;
  cpuP50: number;
  cpuP99: number;
  gc: string;
}

async function measure(server: ServerProcess, client: Client, { path, body }: { path: string; body: Buffer }): Promise<Stats> {
  const warmUntil = performance.now() + WARMUP_MS;
  for (let i = 0; i < WARMUP || performance.now() < warmUntil; i += 1) await client.post(path, body);
  await server.ask({ type: 'reset' });
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) samples.push((await client.post(path, body)).ms);
  const report = await server.ask({ type: 'samples' });
  const sorted = (values: number[]): number[] => [...values].sort((a, b) => a - b);
  const [rt, wall, cpu] = [sorted(samples), sorted(report.wallMs), sorted(report.cpuMs)];
  return {
    p50: percentile(rt, 50),
    p99: percentile(rt, 99),
    max: rt[rt.length - 1] ?? NaN,
    serverP50: percentile(wall, 50),
    serverP99: percentile(wall, 99),
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99),
    gc: `${report.gcCount} / ${report.gcMaxMs.toFixed(2)}`,
  };
}

const cell = (value: number): string => value.toFixed(2).padStart(6);
const columns = (s: Stats): string =>
  [s.p50, s.p99, s.max, s.serverP50, s.serverP99, s.cpuP50, s.cpuP99].map(cell).join(' | ') + ` | ${s.gc.padStart(9)}`;

function cases(nodes: number): Case[] {
  const NodeNames = Array.from({ length: nodes }, (_, i) => `node-${i}`);
  // Go's encoding/json writes the struct fields in order and a nil Nodes as null.
  const body = (pod: object): Buffer => Buffer.from(JSON.stringify({ Pod: pod, Nodes: null, NodeNames }));
  const all = [
    { label: 'no local volumes', body: body(schedulerPod(BENCH_PODS.none.key, [...BENCH_PODS.none.claims])), wantPassing: nodes, mode: 'two-vgs' as const },
    { label: '1 PVC', body: body(schedulerPod(BENCH_PODS.one.key, [...BENCH_PODS.one.claims])), wantPassing: 1, mode: 'two-vgs' as const },
    { label: '4 PVCs', body: body(schedulerPod(BENCH_PODS.four.key, [...BENCH_PODS.four.claims])), wantPassing: 1, mode: 'two-vgs' as const },
    { label: '8 PVCs, 3 VGs', body: body(schedulerPod(BENCH_PODS.eight.key, [...BENCH_PODS.eight.claims])), wantPassing: 1, mode: 'three-vgs' as const },
  ];
  return all.filter((_, i) => POD_CASES.includes(['none', '1', '4', '8'][i] ?? ''));
}

/** One server process per node count and mode; the floor server answers only the pass-through case (it decides nothing). */
async function benchNodes(nodes: number, rows: string[], mode: ServerMode): Promise<string[]> {
  const isFloor = mode === 'floor';
  const wanted = cases(nodes).filter((k) => (isFloor ? k.wantPassing === nodes : k.mode === mode));
  if (wanted.length === 0) return [];
  const server = await startServer(nodes, mode);
  const client = flags['node-client'] ? nodeClient(server.port) : await rawClient(server.port);
  try {
    for (const c of wanted) {
      await checkAnswers(client, c);
      const filter = await measure(server, client, { path: '/scheduler/predicates', body: c.body });
      const prioritize = await measure(server, client, { path: '/scheduler/priorities', body: c.body });
      const kb = (c.body.length / 1024).toFixed(0);
      const label = isFloor ? 'node:http floor' : c.label;
      rows.push(`| ${String(nodes).padStart(5)} | ${label.padEnd(16)} | ${kb.padStart(4)} | ${columns(filter)} | ${columns(prioritize)} |`);
    }
    return server.execArgv;
  } finally {
    client.close();
    // Only the process this benchmark started, by its PID.
    process.kill(server.pid, 'SIGTERM');
  }
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const loadAtStart = loadavg();
  let execArgv: string[] = [];
  for (const nodes of NODE_COUNTS) {
    if (flags.floor) await benchNodes(nodes, rows, 'floor');
    execArgv = await benchNodes(nodes, rows, 'two-vgs');
    const threeVgArgv = await benchNodes(nodes, rows, 'three-vgs');
    if (threeVgArgv.length > 0) execArgv = threeVgArgv;
  }
  const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' ');
  const out = [
    `server: a separate Node ${process.version} process (node ${execArgv.join(' ')}); client: this process, ${flags['node-client'] ? "node's http.request" : "raw HTTP/1.1 requests as Go's net/http writes them"}; 127.0.0.1, one keep-alive connection`,
    `${ITERATIONS} requests per cell after ≥ ${WARMUP} requests and ≥ ${WARMUP_MS / 1000} s of warm-up; load average ${load(loadAtStart)} at start, ${load(loadavg())} at end, ${cpus().length} cores`,
    '"rt" = client round trip; "srv" = inside the server process (read, parse, decide, encode); "cpu" = server process CPU time',
    'during the request (all its threads: GC helpers and the JIT count too); "gc" = collections in the server during the cell / longest pause ms',
    '',
    '| nodes | pod | body KiB | filter rt p50 | rt p99 | rt max | srv p50 | srv p99 | cpu p50 | cpu p99 | gc | prioritize rt p50 | rt p99 | rt max | srv p50 | srv p99 | cpu p50 | cpu p99 | gc |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
