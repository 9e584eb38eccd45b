// Filter and prioritize latency over HTTP against the real express app on a loopback port, for 100, 1000 and
// 5000 nodes, pods with 1 and 4 claims and a pod without local volumes. Prints p50/p99 in milliseconds.
// Run: npx tsx bench/filter-bench.ts [iterations]
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { pino } from 'pino';
import { createHttpApp } from '../src/adapters/http-app.js';
import { createMetrics } from '../src/adapters/metrics.js';
import { ClusterState } from '../src/core/cluster-state.js';
import { DRIVER_NAMES } from '../src/core/constants.js';
import { Extender } from '../src/core/extender.js';
import type { PodShape } from '../src/core/k8s-shapes.js';
import { nls, pod, pv, pvc, storageClass } from '../src/test-support/builders.js';

const ITERATIONS = Math.min(Number(process.argv[2] ?? 300), 5000);
const WARMUP = 30;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function buildState(nodes: number): ClusterState {
  const state = new ClusterState({ driverNames: DRIVER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  for (let i = 0; i < nodes; i += 1) {
    // Two VGs per node and three existing volumes, so views have real charges to sum.
    state.upsertNls(nls(`node-${i}`, { vgs: { pool: 500 + (i % 7) * 100, fast: 200 } }), 0);
    for (let v = 0; v < 3; v += 1) state.upsertPv(pv(`pv-${i}-${v}`, `node-${i}`, { vgName: v === 0 ? 'fast' : 'pool', size: `${10 + v}Gi` }), 0);
  }
  for (const claims of [1, 4]) {
    const keys = Array.from({ length: claims }, (_, c) => `bench/p${claims}-c${c}`);
    keys.forEach((key) => state.upsertPvc(pvc(key, 'lvm', '20Gi'), 0));
  }
  return state;
}

function post(port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - started) / 1e6) : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

// Server-side time of each request (body read, parse, decide, encode), next to the client's round trip.
const serverSamples: number[] = [];
// Process CPU time spent while the server handled each request: what latency becomes on an idle machine.
const cpuSamples: number[] = [];

interface Latency {
  p50: number;
  p99: number;
  serverP50: number;
  serverP99: number;
  cpuP50: number;
  cpuP99: number;
}

async function measure(port: number, path: string, body: string): Promise<Latency> {
  for (let i = 0; i < WARMUP; i += 1) await post(port, path, body);
  serverSamples.length = 0;
  cpuSamples.length = 0;
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i += 1) samples.push(await post(port, path, body));
  samples.sort((a, b) => a - b);
  const server = [...serverSamples].sort((a, b) => a - b);
  const cpu = [...cpuSamples].sort((a, b) => a - b);
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    serverP50: percentile(server, 50),
    serverP99: percentile(server, 99),
    cpuP50: percentile(cpu, 50),
    cpuP99: percentile(cpu, 99),
  };
}

const cell = (value: number): string => value.toFixed(2).padStart(6);

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const nodes of [100, 1000, 5000]) {
    const state = buildState(nodes);
    const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
    extender.setSynced(true);
    const metrics = createMetrics(state, { withDefaultMetrics: false });
    const app = createHttpApp({ extender, state, metrics, logger: pino({ level: 'silent' }), clock: { now: () => Date.now() }, version: 'bench', isReady: () => true });
    const server: Server = await new Promise((resolve) => {
      const s = createServer((req, res) => {
        const started = process.hrtime.bigint();
        const cpuStarted = process.cpuUsage();
        res.on('finish', () => {
          serverSamples.push(Number(process.hrtime.bigint() - started) / 1e6);
          const cpu = process.cpuUsage(cpuStarted);
          cpuSamples.push((cpu.user + cpu.system) / 1000);
        });
        app(req, res);
      });
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const port = (server.address() as AddressInfo).port;
    const names = Array.from({ length: nodes }, (_, i) => `node-${i}`);
    const pods: [string, PodShape][] = [
      ['no local volumes', pod('bench/web', [])],
      ['1 PVC', pod('bench/p1', ['bench/p1-c0'])],
      ['4 PVCs', pod('bench/p4', ['bench/p4-c0', 'bench/p4-c1', 'bench/p4-c2', 'bench/p4-c3'])],
    ];
    for (const [label, p] of pods) {
      const body = JSON.stringify({ Pod: p, NodeNames: names });
      const filter = await measure(port, '/scheduler/predicates', body);
      const prioritize = await measure(port, '/scheduler/priorities', body);
      rows.push(
        `| ${String(nodes).padStart(5)} | ${label.padEnd(16)} | ${cell(filter.p50)} | ${cell(filter.p99)} | ${cell(filter.serverP50)} | ${cell(filter.serverP99)} | ` +
          `${cell(filter.cpuP50)} | ${cell(filter.cpuP99)} | ${cell(prioritize.p50)} | ${cell(prioritize.p99)} | ${cell(prioritize.serverP50)} | ` +
          `${cell(prioritize.serverP99)} | ${cell(prioritize.cpuP50)} | ${cell(prioritize.cpuP99)} |`,
      );
    }
    await new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
  }
  agent.destroy();
  process.stdout.write(`latency in ms over HTTP (127.0.0.1, keep-alive, ${ITERATIONS} requests each after ${WARMUP} warm-up); `);
  process.stdout.write('"rt" = client round trip, "srv" = inside the server (read, parse, decide, encode), "cpu" = process CPU time meanwhile\n');
  process.stdout.write(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores\n`);
  process.stdout.write('| nodes | pod | filter rt p50 | rt p99 | srv p50 | srv p99 | cpu p50 | cpu p99 | prioritize rt p50 | rt p99 | srv p50 | srv p99 | cpu p50 | cpu p99 |\n');
  process.stdout.write('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n');
  process.stdout.write(`${rows.join('\n')}\n`);
}

await main();
