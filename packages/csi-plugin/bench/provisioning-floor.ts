// Benchmark (issue #19): the provisioning floor in the QEMU guest (real device-mapper), in one boot. Prints tables;
// asserts nothing about time.
//   flock /tmp/openlocal-heavy.lock npx tsx packages/csi-plugin/bench/provisioning-floor.ts [--reps 10] [--size-mib 64] [--concurrent 20]
// On the host it boots one e2e/vm guest (two disks) and runs itself there with --in-guest; the guest's report is
// printed. In the guest: the built plugin (dist/main.js) as its own process on a unix socket, a grpc-js client in
// this process. Each repetition times, interleaved on the same VG:
//   - CreateVolume (LVM, `--size-mib`) against the bare `lvcreate` of the same size, and against the bare commands
//     of the no-previous-tenant guarantee (`blkdiscard --zeroout` of the whole LV), run the same way;
//   - NodeStageVolume (ext4) against bare `mkfs.ext4` + `mount`, and NodePublishVolume against a bare bind mount.
// The ratio column is call / bare (goal ≤ 1.10). The plugin's own /metrics (openlocal_command_duration_seconds)
// then says which commands each call ran and how long they took. Last, `--concurrent` CreateVolumes at once on
// one VG sized to hold them exactly: wall time, p50/p99, every call must succeed and lvm must not be over-committed.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { integerFlag } from '@openlocal/e2e/bench-flags';
import { createCsiClient, mountCapability, type CsiClient } from '../test/support/csi-client.js';

const exec = promisify(execFile);
const MiB = 2 ** 20;
const HERE = fileURLToPath(import.meta.url);
const REPO = join(HERE, '..', '..', '..', '..');

const { values } = parseArgs({
  options: {
    reps: { type: 'string', default: '10' }, 'size-mib': { type: 'string', default: '64' }, concurrent: { type: 'string', default: '20' },
    'in-guest': { type: 'boolean', default: false },
  },
});


const reps = integerFlag('reps', values.reps, [1, 200]);
const sizeMiB = integerFlag('size-mib', values['size-mib'], [4, 1024]);
const concurrent = integerFlag('concurrent', values.concurrent, [1, 100]);
const VG = 'olbench-floor';
const CONCURRENT_VG = 'olbench-concurrent';
/** Per concurrent volume; the second disk's VG is made to hold exactly `concurrent` of them. */
const CONCURRENT_MIB = 32;

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const fmt = (value: number): string => value.toFixed(0);

function percentile(list: readonly number[], p: number): number {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function runArgv(argv: readonly string[]): Promise<void> {
  await exec(argv[0] ?? 'false', argv.slice(1), { env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' } });
}

// ---------------------------------------------------------------------------------------------------------------
// Guest side

interface Plugin {
  client: CsiClient;
  metricsPort: number;
  stop(): Promise<void>;
}

async function startPluginProcess(root: string): Promise<Plugin> {
  const socket = join(root, 'csi.sock');
  const metricsPort = 19_102;
  const child = spawn(process.execPath, [
    join(REPO, 'packages/csi-plugin/dist/main.js'), '--endpoint', `unix://${socket}`, '--nodeid', 'bench-node', '--kubelet-dir', join(root, 'kubelet'),
    '--device-regexp', '^$', '--mount-dir', join(root, 'mnt'), '--metrics-host', '127.0.0.1', '--metrics-port', String(metricsPort), '--log-level', 'warn',
  ], { stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 600 && !existsSync(socket); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!existsSync(socket)) throw new Error(`the plugin did not create ${socket} within 60 s`);
  const client = createCsiClient(socket);
  return {
    client, metricsPort,
    stop: async () => {
      client.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Sum and count of openlocal_command_duration_seconds per command, from the plugin's /metrics. */
async function commandTotals(port: number): Promise<Map<string, { count: number; seconds: number }>> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const totals = new Map<string, { count: number; seconds: number }>();
  for (const line of text.split('\n')) {
    // Every outcome: blkid exits 2 on a blank device, which is the answer stage wants, not a failure.
    const match = /^openlocal_command_duration_seconds_(sum|count)\{command="([^"]+)",outcome="[^"]+"\} (\S+)$/.exec(line);
    if (match === null) continue;
    const entry = totals.get(match[2] ?? '') ?? { count: 0, seconds: 0 };
    if (match[1] === 'sum') entry.seconds += Number(match[3]);
    else entry.count += Number(match[3]);
    totals.set(match[2] ?? '', entry);
  }
  return totals;
}

function commandDelta(before: Map<string, { count: number; seconds: number }>, after: Map<string, { count: number; seconds: number }>): { command: string; count: number; ms: number }[] {
  return [...after].map(([command, total]) => {
    const base = before.get(command) ?? { count: 0, seconds: 0 };
    return { command, count: total.count - base.count, ms: (total.seconds - base.seconds) * 1000 };
  }).filter((row) => row.count > 0).sort((a, b) => b.ms - a.ms);
}

interface Samples { [op: string]: number[] }

function record(samples: Samples, op: string, ms: number): void {
  (samples[op] ??= []).push(ms);
}

/** Per plugin call: the commands it ran (count and ms, summed over the repetitions), from /metrics around it. */
type Breakdown = Map<string, { command: string; count: number; ms: number }[]>;

/** Times one plugin call into samples and adds the commands it ran (read from /metrics outside the timing) to breakdown. */
async function pluginCall(plugin: Plugin, into: { samples: Samples; breakdown: Breakdown }, call: { op: string; run: () => Promise<unknown> }): Promise<void> {
  const before = await commandTotals(plugin.metricsPort);
  record(into.samples, call.op, await timed(call.run));
  const rows = into.breakdown.get(call.op) ?? [];
  for (const row of commandDelta(before, await commandTotals(plugin.metricsPort))) {
    const sum = rows.find((r) => r.command === row.command);
    if (sum === undefined) rows.push({ ...row });
    else {
      sum.count += row.count;
      sum.ms += row.ms;
    }
  }
  into.breakdown.set(call.op, rows);
}

/** One repetition: the bare commands on LV bare-i, then the plugin's calls on volume pv-i; everything undone after. */
async function repetition(plugin: Plugin, at: { root: string; i: number }, into: { samples: Samples; breakdown: Breakdown }): Promise<void> {
  const { samples } = into;
  const { root, i } = at;
  const bare = `bare-${i}`;
  const device = `/dev/${VG}/${bare}`;
  const bareMount = join(root, 'bare', bare);
  await mkdir(bareMount, { recursive: true });
  record(samples, 'bare lvcreate', await timed(() => runArgv(['lvm', 'lvcreate', '--yes', '--name', bare, '--size', `${sizeMiB}m`, VG])));
  record(samples, 'bare blkdiscard --zeroout', await timed(() => runArgv(['blkdiscard', '--zeroout', '--', device])));
  record(samples, 'bare mkfs.ext4', await timed(() => runArgv(['mkfs.ext4', '-q', '-F', device])));
  record(samples, 'bare mount', await timed(() => runArgv(['mount', '-t', 'ext4', device, bareMount])));
  const bind = join(root, 'bare', `${bare}-bind`);
  await mkdir(bind, { recursive: true });
  record(samples, 'bare bind mount', await timed(() => runArgv(['mount', '--bind', bareMount, bind])));
  await runArgv(['umount', bind]);
  await runArgv(['umount', bareMount]);
  await runArgv(['lvm', 'lvremove', '--yes', `${VG}/${bare}`]);

  const id = `pv-floor-${i}`;
  const staging = join(root, 'kubelet', 'plugins', 'kubernetes.io', 'csi', 'pv', id, 'globalmount');
  const target = join(root, 'kubelet', 'pods', `pod-${i}`, 'volumes', 'kubernetes.io~csi', id, 'mount');
  const capability = mountCapability('ext4');
  await pluginCall(plugin, into, { op: 'CreateVolume', run: () => plugin.client.must('Controller', 'CreateVolume', {
    name: id, volume_capabilities: [capability], parameters: { volumeType: 'LVM', vgName: VG }, capacity_range: { required_bytes: String(sizeMiB * MiB), limit_bytes: '0' },
  }) });
  await pluginCall(plugin, into, { op: 'NodeStageVolume', run: () => plugin.client.must('Node', 'NodeStageVolume', { volume_id: id, staging_target_path: staging, volume_capability: capability }) });
  await pluginCall(plugin, into, { op: 'NodePublishVolume', run: () => plugin.client.must('Node', 'NodePublishVolume', { volume_id: id, staging_target_path: staging, target_path: target, volume_capability: capability }) });
  await plugin.client.must('Node', 'NodeUnpublishVolume', { volume_id: id, target_path: target });
  await plugin.client.must('Node', 'NodeUnstageVolume', { volume_id: id, staging_target_path: staging });
  await plugin.client.must('Controller', 'DeleteVolume', { volume_id: id });
}

function p50(samples: Samples, op: string): number {
  return percentile(samples[op] ?? [], 50);
}

function floorTable(samples: Samples): string[] {
  const row = (call: string, callMs: number, bare: [name: string, ms: number]): string =>
    `| ${call} | ${fmt(callMs)} | ${fmt(percentile(samples[call] ?? [], 99))} | ${bare[0]} | ${fmt(bare[1])} | ${(callMs / bare[1]).toFixed(2)} |`;
  const create = p50(samples, 'CreateVolume');
  const stage = p50(samples, 'NodeStageVolume');
  const publish = p50(samples, 'NodePublishVolume');
  const lvcreate = p50(samples, 'bare lvcreate');
  const zero = p50(samples, 'bare blkdiscard --zeroout');
  const mkfsMount = p50(samples, 'bare mkfs.ext4') + p50(samples, 'bare mount');
  return [
    '| call | p50 ms | p99 ms | bare commands | bare p50 ms | ratio |',
    '|---|---:|---:|---|---:|---:|',
    row('CreateVolume', create, ['lvcreate', lvcreate]),
    row('CreateVolume', create, ['lvcreate + blkdiscard --zeroout (the no-previous-tenant guarantee)', lvcreate + zero]),
    row('NodeStageVolume', stage, ['mkfs.ext4 + mount', mkfsMount]),
    row('NodePublishVolume', publish, ['mount --bind', p50(samples, 'bare bind mount')]),
    `| NodeStageVolume + NodePublishVolume | ${fmt(stage + publish)} | – | mkfs.ext4 + mount + mount --bind | ${fmt(mkfsMount + p50(samples, 'bare bind mount'))} | ${((stage + publish) / (mkfsMount + p50(samples, 'bare bind mount'))).toFixed(2)} |`,
    '',
    '| bare command | p50 ms | p99 ms |',
    '|---|---:|---:|',
    ...Object.keys(samples).filter((op) => op.startsWith('bare ')).map((op) => `| ${op.slice(5)} | ${fmt(p50(samples, op))} | ${fmt(percentile(samples[op] ?? [], 99))} |`),
  ];
}

/** Where each call's time goes: the commands the plugin ran inside it, and the rest. */
function breakdownTable(into: { samples: Samples; breakdown: Breakdown }): string[] {
  const lines = [
    '\nwhere each call\'s time goes: the commands the plugin ran inside it (its /metrics read around the call; a disk probe of the',
    'plugin\'s own health loop can land in a window), and the rest — gRPC, our code, waiting for the one vCPU:',
    '| call | p50 ms | commands (per call, mean ms each) | commands ms per call | rest ms per call (mean) |',
    '|---|---:|---|---:|---:|',
  ];
  for (const [op, rows] of into.breakdown) {
    const perCallMs = rows.reduce((sum, row) => sum + row.ms, 0) / reps;
    const meanMs = (into.samples[op] ?? []).reduce((sum, ms) => sum + ms, 0) / reps;
    const list = [...rows].sort((a, b) => b.ms - a.ms).map((row) => `${row.command} ×${(row.count / reps).toFixed(1)} (${fmt(row.ms / row.count)})`).join(', ');
    lines.push(`| ${op} | ${fmt(p50(into.samples, op))} | ${list} | ${fmt(perCallMs)} | ${fmt(meanMs - perCallMs)} |`);
  }
  return lines;
}

/** `concurrent` CreateVolumes at once on a VG that holds exactly that many; checks success and lvm's view. */
async function concurrentCreates(plugin: Plugin, disk: string): Promise<string[]> {
  // Extents of 4 MiB; the VG is cut to exactly `concurrent` volumes by a filler LV taking the rest.
  await runArgv(['lvm', 'vgcreate', CONCURRENT_VG, disk]);
  const { stdout } = await exec('lvm', ['vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_free', CONCURRENT_VG]);
  const fillerBytes = Number(stdout.trim()) - concurrent * CONCURRENT_MIB * MiB;
  if (fillerBytes < 0) throw new Error(`disk ${disk} is too small for ${concurrent} × ${CONCURRENT_MIB} MiB`);
  if (fillerBytes > 0) await runArgv(['lvm', 'lvcreate', '--yes', '--activate', 'n', '--name', 'filler', '--size', `${fillerBytes}b`, CONCURRENT_VG]);
  const latencies: number[] = [];
  const failures: string[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrent }, async (_, i) => {
    const callStarted = performance.now();
    const result = await plugin.client.call('Controller', 'CreateVolume', {
      name: `pv-concurrent-${i}`, volume_capabilities: [mountCapability('ext4')], parameters: { volumeType: 'LVM', vgName: CONCURRENT_VG },
      capacity_range: { required_bytes: String(CONCURRENT_MIB * MiB), limit_bytes: '0' },
    });
    latencies.push(performance.now() - callStarted);
    if (!result.ok) failures.push(`pv-concurrent-${i}: ${result.code} ${result.details}`);
  }));
  const wallMs = performance.now() - started;
  const lvs = (await exec('lvm', ['lvs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'lv_name,lv_size', CONCURRENT_VG])).stdout
    .split('\n').map((line) => line.trim().split(/\s+/)).filter((cols) => (cols[0] ?? '').startsWith('pv-concurrent-'));
  const vgFree = Number((await exec('lvm', ['vgs', '--noheadings', '--units', 'b', '--nosuffix', '-o', 'vg_free', CONCURRENT_VG])).stdout.trim());
  const isExact = lvs.length === concurrent && lvs.every((cols) => Number(cols[1]) === CONCURRENT_MIB * MiB);
  return [
    `| volumes | size | wall s | p50 ms | p99 ms | succeeded | LVs lvm lists (${CONCURRENT_MIB} MiB each) | VG free after |`,
    '|---:|---:|---:|---:|---:|---:|---|---:|',
    `| ${concurrent} | ${CONCURRENT_MIB} MiB | ${(wallMs / 1000).toFixed(1)} | ${fmt(percentile(latencies, 50))} | ${fmt(percentile(latencies, 99))} | ${concurrent - failures.length} | ${lvs.length}${isExact ? '' : ' (NOT all of the asked size)'} | ${vgFree} B |`,
    ...failures.map((failure) => `failed: ${failure}`),
  ];
}

async function inGuest(): Promise<void> {
  const disks = (process.env.OPENLOCAL_GUEST_DISKS ?? '').split(',').filter((d) => /^\/dev\/vd[a-z]$/.test(d));
  if (!existsSync('/run/openlocal/guest') || disks.length < 2) throw new Error('--in-guest runs only inside the e2e/vm guest with two disks');
  const [floorDisk, concurrentDisk] = disks as [string, string];
  const root = await mkdtemp(join(tmpdir(), 'floor-'));
  const lines: string[] = [];
  const out = (line: string): void => {
    lines.push(line);
    console.log(line);
  };
  await runArgv(['lvm', 'vgcreate', VG, floorDisk]);
  const plugin = await startPluginProcess(root);
  try {
    out(`guest: ${reps} repetitions of ${sizeMiB} MiB volumes, VG ${VG} on ${floorDisk}; load at start ${loadavg()}`);
    // One untimed round first: the plugin's and lvm's first calls pay for code loading and caches.
    await repetition(plugin, { root, i: 999 }, { samples: {}, breakdown: new Map() });
    const into = { samples: {} as Samples, breakdown: new Map() as Breakdown };
    for (let i = 0; i < reps; i += 1) await repetition(plugin, { root, i }, into);
    out(`\nload after the repetitions ${loadavg()}`);
    for (const line of floorTable(into.samples)) out(line);
    for (const line of breakdownTable(into)) out(line);
    out(`\n${concurrent} concurrent CreateVolumes on one VG (${concurrentDisk}); load ${loadavg()}`);
    for (const line of await concurrentCreates(plugin, concurrentDisk)) out(line);
  } finally {
    await plugin.stop();
    for (const vg of [CONCURRENT_VG, VG]) await runArgv(['lvm', 'vgremove', '--force', vg]).catch((error: unknown) => out(`vgremove ${vg}: ${String(error)}`));
    await rm(root, { recursive: true, force: true });
    writeFileSync(join(process.env.OPENLOCAL_GUEST_SHARE ?? root, 'report.md'), `${lines.join('\n')}\n`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Host side

async function onHost(): Promise<void> {
  const { runInGuest } = await import('@openlocal/e2e/vm');
  const { guestSkipReason } = await import('@openlocal/e2e/kubelet');
  const reason = await guestSkipReason();
  if (reason !== null) {
    console.log(`provisioning-floor bench skipped: ${reason}`);
    return;
  }
  if (!existsSync(join(REPO, 'packages/csi-plugin/dist/main.js'))) throw new Error('build the plugin first: npx nx run @openlocal/csi-plugin:build');
  console.log(`host load before the boot ${loadavg()}`);
  const result = await runInGuest({
    argv: [process.execPath, '--import', 'tsx', HERE, '--in-guest', '--reps', String(reps), '--size-mib', String(sizeMiB), '--concurrent', String(concurrent)],
    cwd: REPO,
    disks: [{ sizeBytes: Math.max(1024, 4 * sizeMiB) * MiB }, { sizeBytes: (concurrent * CONCURRENT_MIB + 64) * MiB }],
    memoryMiB: 1536, timeoutMs: 20 * 60_000,
    log: (message) => console.log(`[guest] ${message}`),
  });
  const report = join(result.shareDir, 'report.md');
  console.log(existsSync(report) ? readFileSync(report, 'utf8') : `no report from the guest; console log ${result.consoleLogPath}`);
  console.log(`guest run ${(result.totalMs / 1000).toFixed(0)} s, exit ${String(result.exitCode)}; host load after ${loadavg()}`);
  if (result.exitCode !== 0) process.exitCode = 1;
}

if (values['in-guest']) await inGuest();
else await onHost();
