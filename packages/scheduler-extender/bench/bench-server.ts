// The server half of the filter benchmark, run as its own process (kube-scheduler and the extender never share
// an event loop): the real HTTP app over a cluster state of N nodes; per request it records wall time, the
// process's CPU time and the GC pauses, and hands them to the parent over IPC.
// Started by filter-bench.ts: node --import tsx bench/bench-server.ts <nodes> [floor | three-vgs]
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { createHttpApp } from '../src/adapters/http-app.js';
import { createMetrics } from '../src/adapters/metrics.js';
import { ClusterState } from '../src/core/cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { Extender } from '../src/core/extender.js';
import { MetricObjects } from '../src/core/metric-objects.js';
import { nls, pv, pvc, storageClass } from '../src/test-support/builders.js';
import { buildThreeVgState } from './three-vg-state.js';
import { BENCH_PODS, schedulerPod } from './bench-pods.js';
import type { PodShape } from '../src/core/k8s-shapes.js';

export type ServerMessage =
  | { type: 'ready'; port: number; pid: number; execArgv: string[] }
  | { type: 'samples'; wallMs: number[]; cpuMs: number[]; gcCount: number; gcTotalMs: number; gcMaxMs: number };

export type ParentMessage = { type: 'reset' } | { type: 'samples' };

function buildState(nodes: number): ClusterState {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  for (let i = 0; i < nodes; i += 1) {
    // Two VGs per node and three existing volumes, so views have real charges to sum.
    state.upsertNls(nls(`node-${i}`, { vgs: { pool: 500 + (i % 7) * 100, fast: 200 } }), 0);
    for (let v = 0; v < 3; v += 1) state.upsertPv(pv(`pv-${i}-${v}`, `node-${i}`, { vgName: v === 0 ? 'fast' : 'pool', size: `${10 + v}Gi` }), 0);
  }
  for (const claims of [1, 4]) {
    for (let c = 0; c < claims; c += 1) state.upsertPvc(pvc(`bench/p${claims}-c${c}`, 'lvm', '20Gi'), 0);
  }
  return state;
}

const nodes = Number(process.argv[2]);
if (!Number.isSafeInteger(nodes) || nodes < 1) throw new Error(`bench-server: node count ${JSON.stringify(process.argv[2])} is not a positive integer`);
const send = (message: ServerMessage): void => {
  process.send?.(message);
};

// three-vgs: the 8-claim cell's own cluster (three VGs per node); the other cells keep their two-VG nodes.
const state = process.argv[3] === 'three-vgs' ? buildThreeVgState(nodes) : buildState(nodes);
// The pods the client sends, as the extender's pod informer would hold them (it plans only for known pods).
for (const { key, claims } of Object.values(BENCH_PODS)) state.upsertPod(schedulerPod(key, [...claims]) as PodShape, 0);
// A long-running extender has long since collected the garbage of its first list: do it now (filter-bench
// starts this process with --expose-gc), so its concurrent marking does not compete with the first cell.
(globalThis as { gc?: () => void }).gc?.();
const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
extender.setSynced(true);
const metrics = createMetrics(state, { withDefaultMetrics: false, objects: new MetricObjects(PROVISIONER_NAMES) });
const app = createHttpApp({ extender, state, metrics, logger: pino({ level: 'silent' }), clock: { now: () => Date.now() }, version: 'bench', isReady: () => true });

const wallMs: number[] = [];
const cpuMs: number[] = [];
const gc = { count: 0, totalMs: 0, maxMs: 0 };
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count += 1;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
});
observer.observe({ entryTypes: ['gc'] });

/** The machine's floor: plain node:http reading the same request and writing an answer as long, no framework. */
function floor(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const answer = req.url === '/scheduler/predicates' ? [Buffer.from('{"Nodes":null,"NodeNames":'), body.subarray(body.indexOf('"NodeNames":') + 12, -1), Buffer.from(',"FailedNodes":{},"FailedAndUnresolvableNodes":{},"Error":""}')] : [Buffer.from('[]')];
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', answer.reduce((n, b) => n + b.length, 0));
    for (const chunk of answer) res.write(chunk);
    res.end();
  });
}

const isFloor = process.argv[3] === 'floor';
const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  res.on('finish', () => {
    wallMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    const cpu = process.cpuUsage(cpuStarted);
    cpuMs.push((cpu.user + cpu.system) / 1000);
  });
  if (isFloor) floor(req, res);
  else app(req, res);
});

process.on('message', (message: ParentMessage) => {
  if (message.type === 'reset') {
    wallMs.length = 0;
    cpuMs.length = 0;
    Object.assign(gc, { count: 0, totalMs: 0, maxMs: 0 });
    send({ type: 'samples', wallMs: [], cpuMs: [], gcCount: 0, gcTotalMs: 0, gcMaxMs: 0 });
    return;
  }
  send({ type: 'samples', wallMs, cpuMs, gcCount: gc.count, gcTotalMs: gc.totalMs, gcMaxMs: gc.maxMs });
});
// Stop by emptying the event loop rather than exiting, so --cpu-prof and the like can write their files.
const stop = (): void => {
  observer.disconnect();
  server.close();
  server.closeAllConnections();
  if (process.connected) process.disconnect();
};
process.once('SIGTERM', stop);
// The parent going away (even killed) closes the IPC channel: stop serving with it.
process.once('disconnect', stop);

server.listen(0, '127.0.0.1', () => {
  send({ type: 'ready', port: (server.address() as AddressInfo).port, pid: process.pid, execArgv: process.execArgv });
});
