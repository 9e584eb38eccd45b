// Command line of the VM harness (run with `npx tsx e2e/vm/cli.ts`):
//   build                          build the cached kernel and initramfs (apt-get as needed)
//   run [--disk BYTES]... [--disk-file IMG]... [--network] [--memory MIB] [--cgroup v1|v2] -- ARGV
//                                  boot a guest, run ARGV in it (cwd: the current dir), exit with its exit code;
//                                  new sparse disks first, then existing images kept across runs
//   vitest [FILE]...               run the lvm:guest vitest project (or these files of it) in one guest
// Exit code 3 means QEMU cannot run here at all (the reason is printed); callers skip, never silently.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultVmCacheDir, ensureGuestImage, QemuUnavailableError } from './image.js';
import { formatOpTable, readOpTimes, summariseOpTimes } from './op-times.js';
import { GUEST_SHARE_PATH, runInGuest, type GuestRunResult } from './run.js';

const EXIT_QEMU_UNAVAILABLE = 3;
const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const GiB = 1024 * 1024 * 1024;

const log = (message: string): void => {
  process.stdout.write(`[vm ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};
const echo = (chunk: Buffer): void => {
  process.stdout.write(chunk);
};

function parseByteCount(text: string, field: string): number {
  const match = /^(\d+)([KMG]i?)?$/.exec(text);
  const unit = { K: 1024, Ki: 1024, M: 1024 ** 2, Mi: 1024 ** 2, G: 1024 ** 3, Gi: 1024 ** 3 }[match?.[2] ?? ''] ?? 1;
  const value = match ? Number(match[1]) * unit : NaN;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${field} ${JSON.stringify(text)} is not a byte count like 1073741824, 512M or 2G`);
  return value;
}

/** `--cgroup v1|v2` as runInGuest's option; absent = the harness default (v2). */
function cgroupOption(value: string | undefined): { cgroupVersion?: 'v1' | 'v2' } {
  if (value === undefined) return {};
  if (value !== 'v1' && value !== 'v2') throw new Error(`--cgroup ${JSON.stringify(value)} must be v1 or v2`);
  return { cgroupVersion: value };
}

async function commandRun(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      disk: { type: 'string', multiple: true },
      'disk-file': { type: 'string', multiple: true },
      timeout: { type: 'string' },
      env: { type: 'string', multiple: true },
      network: { type: 'boolean' },
      memory: { type: 'string' },
      cpus: { type: 'string' },
      cgroup: { type: 'string' },
    },
  });
  const env = Object.fromEntries((values.env ?? []).map((pair) => {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--env ${JSON.stringify(pair)} must be NAME=VALUE`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  }));
  const result = await runInGuest({
    argv: positionals,
    cwd: process.cwd(),
    env,
    disks: [
      ...(values.disk ?? []).map((d) => ({ sizeBytes: parseByteCount(d, '--disk') })),
      ...(values['disk-file'] ?? []).map((file) => ({ file: resolve(file) })),
    ],
    timeoutMs: values.timeout ? Number(values.timeout) * 1000 : 600_000,
    network: values.network ?? false,
    ...(values.memory === undefined ? {} : { memoryMiB: Number(values.memory) }),
    ...(values.cpus === undefined ? {} : { cpus: Number(values.cpus) }),
    ...cgroupOption(values.cgroup),
    log,
    onConsole: echo,
  });
  printTimings(result);
  log(`results in ${result.shareDir}`);
  return result.exitCode ?? 1;
}

function printTimings(result: GuestRunResult): void {
  const s = (ms: number | null): string => (ms === null ? 'never' : `${(ms / 1000).toFixed(1)} s`);
  log(`timings: root ready ${s(result.rootReadyMs)}, guest ready ${s(result.readyMs)}, whole run ${s(result.totalMs)}` +
    `${result.isTimedOut ? ' (TIMED OUT)' : ''}; exit code ${result.exitCode ?? 'none'}; console log ${result.consoleLogPath}`);
}

async function commandVitest(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { 'counts-file': { type: 'string' }, timeout: { type: 'string' }, 'output-dir': { type: 'string' } },
  });
  const lvmDir = join(REPO_ROOT, 'packages', 'lvm');
  const outputDir = values['output-dir'];
  if (outputDir) await mkdir(outputDir, { recursive: true });
  const result = await runInGuest({
    argv: [
      process.execPath, join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'vitest.guest.config.ts',
      '--reporter=default', `--reporter=${join(REPO_ROOT, 'scripts', 'count-reporter.mjs')}`, ...positionals,
    ],
    cwd: lvmDir,
    env: { OPENLOCAL_COUNTS_FILE: `${GUEST_SHARE_PATH}/counts.json`, OPENLOCAL_IN_GUEST: '1', FORCE_COLOR: '0' },
    // Sparse: six 2 GiB disks cost nothing until written. Each test file claims its own.
    disks: Array.from({ length: 6 }, () => ({ sizeBytes: 2 * GiB })),
    timeoutMs: values.timeout ? Number(values.timeout) * 1000 : 600_000,
    ...(outputDir ? { outputDir } : {}),
    log,
    onConsole: echo,
  });
  const { times, problems } = await readOpTimes(join(result.shareDir, 'op-times'));
  for (const problem of problems) log(`op-times: ${problem}`);
  if (times.length > 0) log(`per-operation times inside the guest (TCG, 1 vCPU):\n${formatOpTable(summariseOpTimes(times))}`);
  printTimings(result);
  const countsFile = values['counts-file'];
  if (countsFile) {
    await mkdir(dirname(countsFile), { recursive: true });
    await copyFile(join(result.shareDir, 'counts.json'), countsFile).catch(() => log('the guest wrote no counts (see the console log)'));
  }
  return result.exitCode ?? 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build': {
      const image = await ensureGuestImage({ cacheDir: defaultVmCacheDir(), log });
      log(`kernel ${image.kernelPackage}: ${image.kernelPath}\ninitramfs: ${image.initrdPath} (${image.modules.length} modules)`);
      return 0;
    }
    case 'run':
      return commandRun(rest);
    case 'vitest':
      return commandVitest(rest);
    case undefined:
    default:
      process.stderr.write('usage: cli.ts build | run [--disk SIZE]... [--disk-file IMG]... [--env K=V]... [--timeout S] [--network] [--memory MIB] [--cpus N] [--cgroup v1|v2] -- ARGV... | vitest [--counts-file F] [FILE]...\n');
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const isUnavailable = error instanceof QemuUnavailableError;
    process.stderr.write(`${isUnavailable ? 'QEMU cannot run here' : 'vm harness failed'}: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(isUnavailable ? EXIT_QEMU_UNAVAILABLE : 1);
  },
);
