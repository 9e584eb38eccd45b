// Benchmark: lvm processes spawned and wall time of one readState() for a VG with 1, 50 and 200 LVs, next to
// the call pattern Open-Local v0.7.1 uses for the same facts (one `vgs` listing, five calls per VG, one or two
// per LV — reference §2.3), replayed here with the real lvm. Prints a table; asserts nothing.
//   sudo npx tsx packages/lvm/bench/read-state-bench.ts [runs=7]
import { createLocalExecutor, Lvm, type Executor } from '../src/index.js';
import { createLvmSandbox, uniqueName } from '../test/support/sandbox.js';

const MiB = 1024 * 1024;
const runs = Number(process.argv[2] ?? 7);

function countingExecutor(inner: Executor): Executor & { count: number } {
  const counter = {
    count: 0,
    run: (argv: readonly string[], options?: Parameters<Executor['run']>[1]) => {
      counter.count += 1;
      return inner.run(argv, options);
    },
  };
  return counter;
}

/** Open-Local's discoverVGs call pattern (pkg/utils/lvm/lvm.go), with the same argv shapes. */
async function openLocalStyleRead(executor: Executor): Promise<void> {
  const json = ['--reportformat=json', '--units=b', '--nosuffix'];
  const list = await executor.run(['vgs', ...json]);
  const vgs = (JSON.parse(list.stdout) as { report: { vg: { vg_name: string }[] }[] }).report[0]!.vg.map((v) => v.vg_name);
  for (const vg of vgs) {
    await executor.run(['vgs', ...json, '--options=vg_name', vg]);
    await executor.run(['pvs', ...json, '--options=pv_name,vg_name']);
    await executor.run(['vgs', ...json, '--options=vg_size', vg]);
    await executor.run(['vgs', ...json, '--options=vg_free', vg]);
    const lvs = await executor.run(['lvs', ...json, '--options=lv_name,vg_name', vg]);
    const names = (JSON.parse(lvs.stdout) as { report: { lv: { lv_name: string }[] }[] }).report[0]!.lv.map((l) => l.lv_name);
    for (const lv of names) await executor.run(['lvs', ...json, '--options=lv_name,lv_size,vg_name,origin', `${vg}/${lv}`]);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function measure(read: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await read();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(times);
}

async function main(): Promise<void> {
  const sandbox = await createLvmSandbox(2, 2048 * MiB);
  try {
    const base = createLocalExecutor({ env: sandbox.env });
    const setup = new Lvm({ executor: base, hasDeviceMapper: false });
    const vg = uniqueName('olbench');
    await setup.createVg({ name: vg, devices: sandbox.loops.map((l) => l.path) });
    const rows: string[][] = [];
    let existing = 0;
    for (const target of [1, 50, 200]) {
      process.stdout.write(`creating LVs up to ${target}...\n`);
      for (; existing < target; existing += 1) await setup.createLv({ vgName: vg, name: `local-${existing}`, sizeBytes: 4 * MiB });
      const ours = countingExecutor(base);
      const lvm = new Lvm({ executor: ours, hasDeviceMapper: false });
      const state = await lvm.readState();
      const oursProcesses = ours.count;
      if (state.lvs.length !== target) throw new Error(`expected ${target} LVs, read ${state.lvs.length}`);
      const oursMs = await measure(() => lvm.readState());
      const theirs = countingExecutor(base);
      await openLocalStyleRead(theirs);
      const theirsProcesses = theirs.count;
      const theirsMs = await measure(() => openLocalStyleRead(base));
      rows.push([String(target), String(oursProcesses), oursMs.toFixed(1), String(theirsProcesses), theirsMs.toFixed(1)]);
    }
    const header = ['LVs', 'ours: lvm processes', `ours: median ms (${runs} runs)`, 'Open-Local pattern: processes', 'Open-Local pattern: median ms'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join(' | ');
    process.stdout.write(`\nreadState() on one VG (lvm ${await lvmVersion(base)}, metadata-only LVs on loop devices)\n`);
    process.stdout.write(`${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n${rows.map(line).join('\n')}\n`);
  } finally {
    await sandbox.cleanup();
  }
}

async function lvmVersion(executor: Executor): Promise<string> {
  const { stdout } = await executor.run(['lvm', 'version']);
  return /LVM version:\s*(\S+)/.exec(stdout)?.[1] ?? 'unknown';
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
