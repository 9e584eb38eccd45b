// Benchmark (issue #19): the agent on one node with many VGs and LVs — pass time, lvm's share of it, RSS and the
// size of the NLS status it writes. Prints tables; asserts nothing about time.
//   flock /tmp/openlocal-heavy.lock npx tsx packages/agent/bench/agent-scale.ts [--vgs 50] [--lvs 2000] [--passes 10] [--interval 2] [--image-bundle] [--skip-process]
// Needs root (loop devices, lvm) and the control-plane binaries (scripts/build-tools). What runs:
// - storage: one sparse loop device per VG in @openlocal/lvm/testing's sandbox (a private LVM view; cleanup removes
//   its VGs, loops and files even when the run fails). The host has no device-mapper, so the LVs are metadata only,
//   made as the CSI plugin makes them there (`lvcreate --driverloaded n --activate n --zero n`), but fed to one `lvm`
//   shell process per VG on its stdin: lvm runs each lvcreate itself, without a process start per LV.
// - the agent as the real process (its built dist/main.js, or with --image-bundle the one-module bundle its image
//   ships, built from the sources as e2e/images builds it) against a real kube-apiserver (the e2e harness), its NLS
//   made by the real controller from an init config selecting the bench's VGs. Per pass, from the agent's own
//   /metrics polled every 50 ms: the pass's wall time (the delta of openlocal_agent_discovery_duration_seconds_sum
//   when exactly one pass finished), and over the window the lvm processes and their wall time
//   (openlocal_command_duration_seconds, which also counts the disk-probe loop's report). RSS from /proc.
// - in-process, the same pass's parts through the agent's adapters (HostStorage over the real lvm): the lvm
//   process, parsing its JSON, and composing the status, so "lvm time" and "our time" are separated
//   (--skip-process: this part only, no control plane; the CI smoke runs it at tiny scale).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseStorageReserved } from '@openlocal/crd-types';
import { integerFlag } from '@openlocal/e2e/bench-flags';
import { createLocalExecutor, Lvm, parseFullReport, type Executor } from '@openlocal/lvm';
import { HostStorage } from '../src/adapters/host-storage.js';
import { composeStatus } from '../src/core/agent-status.js';
import { buildNodeStorageInfo } from '../src/core/node-storage.js';
import { applyInitConfig, clusterSkipReason, createNode, getNls, startAgentBuild, startControllerProcess, startNlsCluster, waitForNls, type AgentProcess } from '../test-cluster/cluster-fixture.js';
import { createNodeSandbox, hostSkipReason, type NodeSandbox } from '../test-cluster/node-sandbox.js';

const MiB = 1024 ** 2;

const { values } = parseArgs({
  options: {
    vgs: { type: 'string', default: '50' }, lvs: { type: 'string', default: '2000' }, passes: { type: 'string', default: '10' },
    interval: { type: 'string', default: '2' }, 'populate-concurrency': { type: 'string', default: '4' },
    'image-bundle': { type: 'boolean', default: false },
    'skip-process': { type: 'boolean', default: false },
  },
});


const vgCount = integerFlag('vgs', values.vgs, [1, 200]);
const lvCount = integerFlag('lvs', values.lvs, [0, 20_000]);
const passCount = integerFlag('passes', values.passes, [1, 1000]);
const intervalS = integerFlag('interval', values.interval, [1, 600]);
const populateConcurrency = integerFlag('populate-concurrency', values['populate-concurrency'], [1, 64]);
const prefix = `olscale${process.pid}`;
const vgNames = Array.from({ length: vgCount }, (_, i) => `${prefix}-${i}`);

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const ms = (value: number): string => value.toFixed(1);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Feeds `lines` to one `lvm` process on stdin (lvm's own shell); rejects naming the VG if lvm fails. */
function runLvmShell(node: NodeSandbox, vg: string, lines: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('lvm', [], { env: { ...process.env, ...node.env }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`lvm shell for VG ${vg} exited ${String(code)}: ${stderr}`))));
    child.stdin.end(`${lines.join('\n')}\n`);
  });
}

/** The VGs (one per loop) and `lvCount` 4 MiB LVs spread over them, named as the CSI plugin names them. */
async function populate(node: NodeSandbox): Promise<{ vgMs: number; lvMs: number }> {
  let started = performance.now();
  for (const [i, name] of vgNames.entries()) await node.lvm.createVg({ name, devices: [node.loops[i] ?? ''] });
  const vgMs = performance.now() - started;
  started = performance.now();
  const perVg = vgNames.map((vg, i) => Array.from({ length: Math.floor(lvCount / vgCount) + (i < lvCount % vgCount ? 1 : 0) }, () => `lvcreate --yes --driverloaded n --activate n --zero n --name local-${randomUUID()} --size 4m ${vg}`));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < vgNames.length) {
      const i = next;
      next += 1;
      await runLvmShell(node, vgNames[i] ?? '', perVg[i] ?? []);
    }
  };
  await Promise.all(Array.from({ length: Math.min(populateConcurrency, vgCount) }, () => worker()));
  return { vgMs, lvMs: performance.now() - started };
}

interface Scrape {
  passes: number;
  passSeconds: number;
  lvmCalls: number;
  lvmSeconds: number;
}

/** The counters this benchmark follows, from one /metrics text. */
function parseScrape(text: string): Scrape {
  const scrape: Scrape = { passes: 0, passSeconds: 0, lvmCalls: 0, lvmSeconds: 0 };
  for (const line of text.split('\n')) {
    const value = Number(line.split(' ').at(-1));
    if (line.startsWith('openlocal_agent_discovery_duration_seconds_count')) scrape.passes += value;
    else if (line.startsWith('openlocal_agent_discovery_duration_seconds_sum')) scrape.passSeconds += value;
    else if (line.startsWith('openlocal_command_duration_seconds_count{command="lvm ')) scrape.lvmCalls += value;
    else if (line.startsWith('openlocal_command_duration_seconds_sum{command="lvm ')) scrape.lvmSeconds += value;
  }
  return scrape;
}

async function scrape(port: number): Promise<Scrape> {
  return parseScrape(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
}

function rssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/**
 * The agent as its image ships it (e2e/images' bundleApp: one minified module, no files beside it for the agent),
 * written under `dir` with a package.json that makes it an ES module; returns its path.
 */
async function imageBundle(dir: string): Promise<string> {
  const { bundleApp } = await import('@openlocal/e2e/images');
  const text = await bundleApp({ repoRoot: join(import.meta.dirname, '..', '..', '..') }, { packageDir: 'agent' }, join(dir, 'bundle-out'));
  mkdirSync(join(dir, 'app', 'dist'), { recursive: true });
  writeFileSync(join(dir, 'app', 'package.json'), `${JSON.stringify({ type: 'module', private: true })}\n`);
  writeFileSync(join(dir, 'app', 'dist', 'main.js'), text.replace(/^#!.*\n/, ''));
  return join(dir, 'app', 'dist', 'main.js');
}

/** Follows the agent's passes until `passCount` single-pass deltas are seen; also samples RSS. */
async function followPasses(agent: AgentProcess): Promise<{ passMs: number[]; window: Scrape; rss: number[] }> {
  const passMs: number[] = [];
  const rss: number[] = [];
  const first = await scrape(agent.port);
  let last = first;
  const deadline = Date.now() + (passCount * intervalS + 120) * 1000;
  while (passMs.length < passCount) {
    if (Date.now() > deadline) throw new Error(`only ${passMs.length} of ${passCount} passes seen before the deadline`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await scrape(agent.port);
    if (now.passes === last.passes + 1) passMs.push((now.passSeconds - last.passSeconds) * 1000);
    if (now.passes !== last.passes) rss.push(rssMiB(agent.process.pid));
    last = now;
  }
  return { passMs, rss, window: { passes: last.passes - first.passes, passSeconds: last.passSeconds - first.passSeconds, lvmCalls: last.lvmCalls - first.lvmCalls, lvmSeconds: last.lvmSeconds - first.lvmSeconds } };
}

async function processPart(node: NodeSandbox): Promise<void> {
  const reason = clusterSkipReason();
  if (reason) {
    console.log(`\nagent process: skipped (${reason})`);
    return;
  }
  const cluster = await startNlsCluster();
  try {
    await createNode(cluster.kubeConfig, node.name);
    await applyInitConfig(cluster.kubeConfig, { globalConfig: { listConfig: { vgs: { include: [`${prefix}-[0-9]+`] } } } });
    await startControllerProcess(cluster);
    const started = performance.now();
    const bin = values['image-bundle'] ? await imageBundle(node.root) : undefined;
    const agent = await startAgentBuild(cluster, node, { extraArgs: ['--interval', String(intervalS), '--log-level', 'warn'], bin });
    const isComplete = (lvs: number, vgs: number): boolean => vgs === vgCount && lvs === lvCount;
    const first = await waitForNls(cluster.kubeConfig, node.name, `status with ${vgCount} VGs and ${lvCount} LVs`, (n) => {
      const vgs = n.status?.nodeStorageInfo?.volumeGroups ?? [];
      return isComplete(vgs.reduce((sum, vg) => sum + (vg.logicalVolumes?.length ?? 0), 0), vgs.length);
    });
    const firstStatusS = (performance.now() - started) / 1000;
    const followed = await followPasses(agent);
    const nls = await getNls(cluster.kubeConfig, node.name);
    const statusBytes = Buffer.byteLength(JSON.stringify(nls?.status ?? first.status));
    const sorted = [...followed.passMs].sort((a, b) => a - b);
    const { window } = followed;
    console.log(`\nagent process (${bin === undefined ? 'dist/main.js' : 'the image\'s one-module bundle'}, --interval ${intervalS}): first complete NLS status ${firstStatusS.toFixed(1)} s after start; load ${loadavg()}`);
    console.log('| passes | pass p50 ms | pass p99 ms | pass max ms | lvm processes per pass | lvm wall ms per pass | RSS MiB (min–max over passes) | NLS status bytes |');
    console.log('|---:|---:|---:|---:|---:|---:|---|---:|');
    console.log(`| ${sorted.length} | ${ms(percentile(sorted, 50))} | ${ms(percentile(sorted, 99))} | ${ms(sorted.at(-1) ?? NaN)} | ${(window.lvmCalls / window.passes).toFixed(1)} | ${ms((window.lvmSeconds * 1000) / window.passes)} | ${Math.min(...followed.rss).toFixed(0)}–${Math.max(...followed.rss).toFixed(0)} | ${statusBytes} |`);
    console.log('(lvm processes and wall time count every lvm process the agent ran in the window, the disk-probe loop\'s report included)');
  } finally {
    await cluster.stop();
  }
}

/** Wraps the executor to time the lvm processes of one pass. */
function timingExecutor(inner: Executor): { executor: Executor; takeMs: () => number; lastStdout: () => string } {
  let total = 0;
  let stdout = '';
  return {
    executor: { run: async (argv, options) => {
      const started = performance.now();
      try {
        const result = await inner.run(argv, options);
        stdout = result.stdout;
        return result;
      } finally {
        total += performance.now() - started;
      }
    } },
    lastStdout: () => stdout,
    takeMs: () => {
      const value = total;
      total = 0;
      return value;
    },
  };
}

async function inProcessPart(node: NodeSandbox): Promise<void> {
  const timing = timingExecutor(createLocalExecutor({ env: node.env }));
  const lvm = new Lvm({ executor: timing.executor, env: node.env, ignoreSuspendedDevices: true });
  const host = new HostStorage({ lvm, executor: timing.executor, sysfsRoot: '/sys', deviceRegexp: new RegExp(node.deviceRegexp), mountRoot: node.mountRoot });
  const reserve = parseStorageReserved(undefined);
  const rows: { total: number; lvmProcess: number; parse: number; compose: number }[] = [];
  let reportBytes = 0;
  for (let i = 0; i < passCount; i += 1) {
    const started = performance.now();
    const discovery = await host.discover();
    const discovered = performance.now();
    const lvmProcess = timing.takeMs();
    composeStatus({ info: buildNodeStorageInfo(discovery, { lvNamePrefix: 'local' }, reserve), listConfig: { vgs: { include: [`${prefix}-[0-9]+`] } }, reserve });
    const composed = performance.now();
    // The parse share: the pass's own report parsed again on its own (readState's parse is inside discover's time).
    reportBytes = Buffer.byteLength(timing.lastStdout());
    const parseStarted = performance.now();
    parseFullReport(timing.lastStdout());
    rows.push({ total: composed - started, lvmProcess, parse: performance.now() - parseStarted, compose: composed - discovered });
  }
  const column = (pick: (row: (typeof rows)[number]) => number, p: number): string => ms(percentile(rows.map(pick).sort((a, b) => a - b), p));
  console.log(`\nin-process pass parts (HostStorage.discover + composeStatus, ${rows.length} passes; load ${loadavg()})`);
  console.log('| part | p50 ms | p99 ms |');
  console.log('|---|---:|---:|');
  console.log(`| whole pass without the API write | ${column((r) => r.total, 50)} | ${column((r) => r.total, 99)} |`);
  console.log(`| lvm fullreport process (wall) | ${column((r) => r.lvmProcess, 50)} | ${column((r) => r.lvmProcess, 99)} |`);
  console.log(`| parsing its JSON (${Math.round(reportBytes / 1024)} KiB) | ${column((r) => r.parse, 50)} | ${column((r) => r.parse, 99)} |`);
  console.log(`| buildNodeStorageInfo + composeStatus | ${column((r) => r.compose, 50)} | ${column((r) => r.compose, 99)} |`);
}

const hostReason = await hostSkipReason();
if (hostReason) {
  console.log(`agent-scale bench skipped: ${hostReason}`);
} else {
  console.log(`agent at scale: ${vgCount} VGs, ${lvCount} LVs on one node; load ${loadavg()}`);
  // Sparse files: 4 MiB per LV of the VG plus room for lvm's metadata; only written blocks take disk space.
  const loopMiB = Math.max(64, 4 * Math.ceil(lvCount / vgCount) + 32);
  const node = await createNodeSandbox(`agent-scale-${process.pid}`, vgCount, loopMiB * MiB);
  const onSignal = (): void => {
    node.cleanupSync();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const made = await populate(node);
    const state = await new Lvm({ executor: node.executor, env: node.env }).readState();
    const ours = state.lvs.filter((lv) => vgNames.includes(lv.vgName));
    if (ours.length !== lvCount) throw new Error(`lvm lists ${ours.length} LVs in the bench's VGs, expected ${lvCount}`);
    console.log(`storage: ${vgCount} VGs in ${(made.vgMs / 1000).toFixed(1)} s (one vgcreate each), ${lvCount} LVs in ${(made.lvMs / 1000).toFixed(1)} s (one lvm shell per VG, ${populateConcurrency} at a time); lvm lists them all`);
    await inProcessPart(node);
    if (values['skip-process']) console.log('\nagent process: skipped (--skip-process)');
    else await processPart(node);
  } finally {
    await node.cleanup();
  }
}
