// Benchmark (issue #19): idle RSS of each daemon's built bundle (agent, controller, csi-plugin, scheduler
// extender), the figure the chart's memory requests come from. Each daemon starts with a kubeconfig whose API
// server refuses connections (its informers and writers retry, as in a cluster whose API is briefly away), so
// the figure is the process with its code loaded and nothing cached; --settle seconds later VmRSS is read from
// /proc/<pid>/status, then the daemon gets SIGTERM. Prints /proc/loadavg with the table.
//   npx tsx e2e/bench/idle-rss.ts [--runs 3] [--settle 5] [--image-bundles]
// --image-bundles runs every daemon as its image ships it (e2e/images' one-module bundle built from the sources,
// laid out as in the image under a scratch root with the files the catalog copies beside it).
// Build first: npx nx run-many -t build --projects=@openlocal/agent,@openlocal/controller,@openlocal/csi-plugin,@openlocal/scheduler-extender
// The agent runs one read-only discovery pass (lvm's report of the host, sysfs); nothing is created.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePorts } from '../cluster/index.js';
import { renderTable } from '../demo/table.js';
import { integerFlag } from './flags.js';
import { layOutImageBundle } from './image-bundle.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, settle: { type: 'string', default: '5' }, 'image-bundles': { type: 'boolean', default: false } } });
const runs = integerFlag('runs', values.runs, [1, 20]);
const settle = Number(values.settle);
if (!Number.isFinite(settle) || settle < 1 || settle > 600) throw new Error(`--settle must be 1 to 600 seconds, got ${JSON.stringify(values.settle)}`);

const work = mkdtempSync(join(tmpdir(), 'idle-rss-'));
const kubeconfig = join(work, 'kubeconfig');
// Port 1 on loopback: nothing listens, every request is refused at once.
writeFileSync(kubeconfig, ['apiVersion: v1', 'kind: Config', 'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]', 'users: [{name: u, user: {token: idle}}]', 'contexts: [{name: c, context: {cluster: c, user: u}}]', 'current-context: c', ''].join('\n'));

const daemons: { name: string; bundle: string; args: (run: number, port: number) => string[] }[] = [
  { name: 'agent', bundle: 'packages/agent/dist/main.js', args: () => ['--kubeconfig', kubeconfig, '--nodename', 'idle-node', '--metrics-port', '0', '--log-level', 'warn'] },
  { name: 'controller', bundle: 'packages/controller/dist/main.js', args: () => ['--kubeconfig', kubeconfig, '--no-leader-elect', '--log-level', 'warn'] },
  {
    name: 'csi-plugin',
    bundle: 'packages/csi-plugin/dist/main.js',
    args: (run) => ['--endpoint', `unix://${join(work, `csi-${run}.sock`)}`, '--nodeid', 'idle-node', '--kubelet-dir', join(work, 'kubelet'), '--state-dir', join(work, 'claims'), '--kubeconfig', kubeconfig, '--log-level', 'warn'],
  },
  { name: 'scheduler-extender', bundle: 'packages/scheduler-extender/dist/main.js', args: (_run, port) => ['--kubeconfig', kubeconfig, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'] },
];

if (values['image-bundles']) {
  for (const daemon of daemons) {
    daemon.bundle = await layOutImageBundle(REPO, daemon.name, join(work, `rootfs-${daemon.name}`));
    process.stdout.write(`${daemon.name}: image bundle ${daemon.bundle}\n`);
  }
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

async function sample(daemon: (typeof daemons)[number], run: number): Promise<number> {
  const [port] = (await freePorts(1)) as [number];
  const child = spawn(process.execPath, [daemon.bundle.startsWith('/') ? daemon.bundle : join(REPO, daemon.bundle), ...daemon.args(run, port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const early = await Promise.race([exited.then((code) => ({ code })), sleep(settle * 1000).then(() => undefined)]);
    if (early !== undefined) throw new Error(`${daemon.name} exited with ${String(early.code)} before ${settle} s: ${stderr}`);
    if (child.pid === undefined) throw new Error(`${daemon.name} did not start`);
    return rssMiB(child.pid);
  } finally {
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

const rows: string[][] = [];
try {
  for (const daemon of daemons) {
    const samples: number[] = [];
    for (let run = 1; run <= runs; run += 1) samples.push(await sample(daemon, run));
    samples.sort((a, b) => a - b);
    rows.push([daemon.name, (samples[Math.floor(samples.length / 2)] ?? Number.NaN).toFixed(0), `${(samples[0] ?? 0).toFixed(0)}–${(samples.at(-1) ?? 0).toFixed(0)}`, readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')]);
    process.stdout.write(`${daemon.name}: ${samples.map((s) => s.toFixed(1)).join(', ')} MiB\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(`\nidle RSS ${settle} s after start, median of ${runs} (API server refusing connections):\n`);
process.stdout.write(`${renderTable(['DAEMON', 'RSS MiB', 'RANGE', 'LOAD 1/5/15'], rows)}\n`);
