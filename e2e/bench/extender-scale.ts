// Benchmark (issue #19): the extender's memory and restart-to-ready on a real kube-apiserver filled by the scale
// harness. For each point (nodes, PVs) it starts the built extender against the cluster, times spawn → /readyz
// 200 (every informer listed, plans rebuilt), lets it settle, and prints RSS (/proc/<pid>/status) and the V8
// heap (its /metrics). --heap-snapshot DIR also writes a heap snapshot at each point and prints the largest
// retainers by constructor. Prints `uptime` with every result. Run under the heavy lock:
//   flock /tmp/openlocal-heavy.lock npx tsx e2e/bench/extender-scale.ts [--points 1000:0,5000:0,5000:20000]
//     [--vgs 2] [--runs 3] [--heap-snapshot DIR] [--compare PATH]... [--compare-node-options OPTIONS]...
// --compare also runs another build of the extender (e.g. an older commit's dist/main.js) at every point,
// interleaved with the workspace build, for a before/after table on the same API state.
// --bundle image (default) runs the extender as its image ships it (e2e/images' minified bundle of the sources,
// image-bundle.ts); --bundle dist runs the workspace's packages/scheduler-extender/dist/main.js. --node-options
// is the NODE_OPTIONS the extender runs with (default: the chart's extender.nodeOptions, as the chart runs it); the i-th --compare-node-options those of the i-th --compare build
// (default: --node-options). --compare may repeat; `--compare this` is the same bundle, to compare flags alone.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { CONTROL_PLANE_TOOLS, freePorts, installCrds, missingToolsReason, openLocalCrds, startCluster, type Cluster, type ManagedProcess } from '../cluster/index.js';
import { renderTable } from '../demo/table.js';
import { pinExtenderBuild, populateScale, type ScaleSpec } from './scale-harness.js';
import { summarizeHeapSnapshot } from './heap-summary.js';
import { layOutImageBundle } from './image-bundle.js';
import { integerFlag } from './flags.js';

/** The NODE_OPTIONS the chart gives the extender (charts/open-local/values.yaml, extender.nodeOptions). */
function chartNodeOptions(): string {
  const chartValues = parseYaml(readFileSync(new URL('../../charts/open-local/values.yaml', import.meta.url), 'utf8')) as { extender?: { nodeOptions?: unknown } };
  const options = chartValues.extender?.nodeOptions ?? '';
  if (typeof options !== 'string') throw new Error(`charts/open-local/values.yaml: extender.nodeOptions must be a string, got ${JSON.stringify(options)}`);
  return options;
}

const { values } = parseArgs({
  options: {
    points: { type: 'string', default: '1000:0,5000:0,5000:20000' },
    vgs: { type: 'string', default: '2' },
    runs: { type: 'string', default: '3' },
    'heap-snapshot': { type: 'string' },
    compare: { type: 'string', multiple: true, default: [] },
    bundle: { type: 'string', default: 'image' },
    'node-options': { type: 'string', default: chartNodeOptions() },
    'compare-node-options': { type: 'string', multiple: true, default: [] },
  },
});

function parsePoints(text: string): { nodes: number; pvs: number }[] {
  return text.split(',').map((item) => {
    const match = /^(\d+):(\d+)$/.exec(item.trim());
    if (match === null) throw new Error(`--points: each point is NODES:PVS, got ${JSON.stringify(item)}`);
    return { nodes: Number(match[1]), pvs: Number(match[2]) };
  });
}

const points = parsePoints(values.points);
const vgs = Number(values.vgs);
const runs = integerFlag('runs', values.runs, [1, 10]);
for (let i = 1; i < points.length; i += 1) {
  const [a, b] = [points[i - 1], points[i]] as [{ nodes: number; pvs: number }, { nodes: number; pvs: number }];
  if (b.nodes < a.nodes || b.pvs < a.pvs) throw new Error(`--points must grow (each point adds objects to the last), got ${values.points}`);
}
if (values.bundle !== 'image' && values.bundle !== 'dist') throw new Error(`--bundle must be image or dist, got ${JSON.stringify(values.bundle)}`);
for (const path of values.compare) if (path !== 'this' && !existsSync(path)) throw new Error(`--compare: no such file ${JSON.stringify(path)}`);
if (values['compare-node-options'].length > values.compare.length) throw new Error(`--compare-node-options: ${values['compare-node-options'].length} given for ${values.compare.length} --compare builds`);
const missing = missingToolsReason(CONTROL_PLANE_TOOLS);
if (missing !== null) throw new Error(missing);

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (line: string): void => void process.stdout.write(`${line}\n`);
const uptime = (): string => execFileSync('uptime', { encoding: 'utf8' }).trim();

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? Number.NaN : Number(line.split(' ').at(-1));
}

async function waitReady(child: ManagedProcess, port: number, startedAt: number): Promise<number> {
  for (;;) {
    if (child.exitInfo() !== undefined) throw new Error(`extender exited before ready: ${child.tailLog(20)}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) return performance.now() - startedAt;
    if (performance.now() - startedAt > 300_000) throw new Error('extender not ready within 300 s');
    await sleep(20);
  }
}

interface Sample {
  readyMs: number;
  rssMiB: number;
  heapUsedMiB: number;
}

function endsWithBrace(path: string): boolean {
  const size = statSync(path).size;
  if (size < 2) return false;
  const tail = Buffer.alloc(Math.min(64, size));
  const fd = openSync(path, 'r');
  try {
    readSync(fd, tail, 0, tail.length, size - tail.length);
  } finally {
    closeSync(fd);
  }
  return tail.toString('utf8').trimEnd().endsWith('}');
}

async function writeHeapSnapshot(pid: number, snapshotDir: string): Promise<void> {
  const before = new Set(readdirSync(snapshotDir));
  process.kill(pid, 'SIGUSR2');
  let file: string | undefined;
  for (let i = 0; i < 600 && file === undefined; i += 1) {
    await sleep(500);
    file = readdirSync(snapshotDir).find((f) => !before.has(f) && f.endsWith('.heapsnapshot'));
  }
  if (file === undefined) throw new Error(`no heap snapshot appeared in ${snapshotDir}`);
  // Node writes the file in pieces, with pauses longer than 2 s in a large heap: wait until it is a whole JSON
  // document (ends with its closing brace) and its size has not changed for 2 s.
  const path = join(snapshotDir, file);
  let size = -1;
  for (let waited = 0; statSync(path).size !== size || !endsWithBrace(path); waited += 1) {
    if (waited > 600) throw new Error(`heap snapshot ${path} still incomplete after 20 min`);
    size = statSync(path).size;
    await sleep(2000);
  }
  log(`heap snapshot ${join(snapshotDir, file)}; largest by constructor (self size):`);
  log(summarizeHeapSnapshot(readFileSync(join(snapshotDir, file), 'utf8'), 15));
}

interface Build {
  name: string;
  bin: string;
  nodeOptions: string;
}

async function measure(cluster: Cluster, label: string, build: Build, snapshotDir: string | undefined): Promise<Sample> {
  const [port] = (await freePorts(1)) as [number];
  const snapshotOptions = snapshotDir === undefined ? '' : `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}`;
  const nodeOptions = `${build.nodeOptions} ${snapshotOptions}`.trim();
  const env: Record<string, string> = nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions };
  const args = ['--kubeconfig', cluster.kubeconfigPath, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'];
  const startedAt = performance.now();
  const child = await cluster.startProcess({ name: `extender-${label}`, command: process.execPath, args: [build.bin, ...args], env });
  try {
    const readyMs = await waitReady(child, port, startedAt);
    // After sync: let the first list's garbage be collected as it would be in a running extender.
    await sleep(5000);
    const sample = { readyMs, rssMiB: rssMiB(child.pid), heapUsedMiB: (await metric(port, 'nodejs_heap_size_used_bytes')) / 2 ** 20 };
    if (snapshotDir !== undefined) await writeHeapSnapshot(child.pid, snapshotDir);
    return sample;
  } finally {
    await child.stop();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const work = mkdtempSync(join(tmpdir(), 'extender-scale-'));
const pinned = values.bundle === 'dist' ? pinExtenderBuild() : { bin: await layOutImageBundle(REPO, 'scheduler-extender', work), remove: () => undefined };
const builds: Build[] = [
  { name: 'this', bin: pinned.bin, nodeOptions: values['node-options'] },
  ...values.compare.map((path, i) => ({ name: `compare${i + 1}`, bin: path === 'this' ? pinned.bin : path, nodeOptions: values['compare-node-options'][i] ?? values['node-options'] })),
];

log(`extender: ${values.bundle === 'dist' ? 'the workspace build (packages/scheduler-extender/dist/main.js)' : 'the image bundle'}; machine before: ${uptime()}`);
for (const build of builds) log(`  ${build.name}: ${build.bin}, NODE_OPTIONS ${JSON.stringify(build.nodeOptions)}`);
const cluster = await startCluster({ nodes: [], scheduler: false });
const rows: string[][] = [];
try {
  log(`cluster ready in ${(cluster.timings.readyMs / 1000).toFixed(1)} s (logs ${cluster.runDir})`);
  await installCrds(cluster.kubeConfig, await openLocalCrds());
  for (const point of points) {
    const spec: ScaleSpec = { runId: 'scale', nodes: point.nodes, vgsPerNode: vgs, pvs: point.pvs, namespace: 'scale', storageClassName: 'scale-lvm' };
    log(`== ${point.nodes} nodes × ${vgs} VGs, ${point.pvs} bound PVs and claims: populating`);
    await populateScale(cluster.kubeConfig, spec, log);
    await sleep(5000);
    const samples = new Map<string, Sample[]>(builds.map((b) => [b.name, []]));
    for (let run = 1; run <= runs; run += 1) {
      for (const build of builds) {
        const snapshotDir = run === 1 && build.name === 'this' ? values['heap-snapshot'] : undefined;
        const sample = await measure(cluster, `${build.name}-${point.nodes}-${point.pvs}-${run}`, build, snapshotDir);
        log(`  ${build.name} run ${run}: ready ${sample.readyMs.toFixed(0)} ms, RSS ${sample.rssMiB.toFixed(1)} MiB, heap used ${sample.heapUsedMiB.toFixed(1)} MiB; ${uptime()}`);
        samples.get(build.name)?.push(sample);
      }
    }
    for (const build of builds) {
      const own = samples.get(build.name) ?? [];
      const load = uptime().replace(/^.*load average: /, '');
      rows.push([build.name, String(point.nodes), String(point.pvs), (median(own.map((s) => s.readyMs)) / 1000).toFixed(2), median(own.map((s) => s.rssMiB)).toFixed(0), median(own.map((s) => s.heapUsedMiB)).toFixed(0), load]);
    }
  }
} finally {
  pinned.remove();
  rmSync(work, { recursive: true, force: true });
  const { teardownMs } = await cluster.stop();
  log(`cluster stopped in ${(teardownMs / 1000).toFixed(1)} s`);
}
log(`\nmedian of ${runs} extender starts per point and build (${vgs} VGs per node):`);
log(renderTable(['BUILD', 'NODES', 'PVS', 'READY s', 'RSS MiB', 'HEAP USED MiB', 'LOAD 1/5/15'], rows));
// Open watch connections and keep-alive sockets would hold the process; the run is over.
process.exit(0);
