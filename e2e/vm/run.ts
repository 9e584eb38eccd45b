// runInGuest: boots the Debian kernel under QEMU (TCG) with the host's / read-only, a writable work share and
// raw virtio disks, runs one argv inside, and returns its exit code, console log and what it wrote on the share.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultVmCacheDir, ensureGuestImage, QemuUnavailableError, type GuestImage } from './image.js';

/**
 * A virtio disk: a fresh sparse image of `sizeBytes` (removed after the run), or an existing raw image `file`
 * that the caller owns and keeps (to boot again on the same disk, as after a power cycle).
 */
export type GuestDisk = { sizeBytes: number; file?: undefined } | { file: string; sizeBytes?: undefined };

export interface RunInGuestOptions {
  /** The command to run in the guest, as argv (no shell). */
  argv: string[];
  /** Working directory in the guest; the host's paths are the guest's. Default: the repository root. */
  cwd?: string;
  env?: Record<string, string>;
  /** Raw images attached as /dev/vda, /dev/vdb, ... in this order. */
  disks?: GuestDisk[];
  /** Kill the guest after this long (console log kept). Default 10 minutes. */
  timeoutMs?: number;
  memoryMiB?: number;
  /**
   * vCPUs (default 1: one beats two on a 2-core host for a single busy process; a node running many processes
   * at once, as the kubelet rung's chart node does, gains from 2).
   */
  cpus?: number;
  /**
   * Give the guest a NIC on QEMU's user-mode network: the guest is 10.0.2.15 and reaches the host's loopback
   * services at 10.0.2.2 (how a guest kubelet reaches the host's kube-apiserver). Default: no network.
   */
  network?: boolean;
  /**
   * With network: host loopback ports forwarded to guest ports (QEMU hostfwd), so the host reaches a service in
   * the guest at 127.0.0.1:hostPort (how the host's kube-scheduler reaches an extender pod on the guest node).
   */
  hostForwards?: readonly { hostPort: number; guestPort: number }[];
  /**
   * The cgroup layout the guest mounts at /sys/fs/cgroup: 'v2' (default, the unified hierarchy) or 'v1' (a tmpfs
   * with one legacy hierarchy per controller, blkio included: how a cgroup v1 node looks to kubelet and to IO
   * throttling).
   */
  cgroupVersion?: 'v1' | 'v2';
  /** Where the console log and the share (the guest's results) are kept. Default: a new dir in the cache. */
  outputDir?: string;
  image?: GuestImage;
  log?: (message: string) => void;
  /** Receives the guest console as it arrives (e.g. to echo it). */
  onConsole?: (chunk: Buffer) => void;
  signal?: AbortSignal;
}

export interface GuestRunResult {
  /** The command's exit code, or null when none was recorded (guest crashed, timed out or failed to boot). */
  exitCode: number | null;
  isTimedOut: boolean;
  consoleLogPath: string;
  /** The writable share: job.json, exit-code and whatever the command wrote there ($OPENLOCAL_GUEST_SHARE). */
  shareDir: string;
  /** From qemu's start to the guest's root being mounted, and to the job starting (node up). */
  rootReadyMs: number | null;
  readyMs: number | null;
  totalMs: number;
  /** The qemu process this run started (gone when runInGuest returns). */
  qemuPid: number | undefined;
}

/** The guest's path of the share, given to the command as OPENLOCAL_GUEST_SHARE. */
export const GUEST_SHARE_PATH = '/run/openlocal/share';
const here = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(here, '..', '..');
const CMDLINE_SAFE = /^[A-Za-z0-9._/+-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** /dev/vda, /dev/vdb, ... for the n-th disk. */
export function guestDiskPath(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index > 25) throw new RangeError(`disk index ${index} out of range 0..25`);
  return `/dev/vd${String.fromCharCode(97 + index)}`;
}

function validateDisks(disks: readonly GuestDisk[]): void {
  disks.forEach((disk, i) => {
    if (disk.file !== undefined) {
      if (!disk.file.startsWith('/') || disk.file.includes(',')) {
        throw new TypeError(`disks[${i}].file must be an absolute path without commas (qemu option syntax), got ${JSON.stringify(disk.file)}`);
      }
      return;
    }
    if (!Number.isSafeInteger(disk.sizeBytes) || disk.sizeBytes < 1024 * 1024 || disk.sizeBytes % 512 !== 0) {
      throw new RangeError(`disks[${i}].sizeBytes must be a whole number of 512-byte sectors, at least 1 MiB; got ${disk.sizeBytes}`);
    }
  });
  if (disks.length > 26) throw new RangeError(`at most 26 disks, got ${disks.length}`);
}

/** Checks the request and names the bad field and value. */
export function validateGuestRequest(options: Pick<RunInGuestOptions, 'argv' | 'env' | 'disks' | 'timeoutMs' | 'memoryMiB' | 'cpus'>): void {
  if (!Array.isArray(options.argv) || options.argv.length === 0 || options.argv.some((a) => typeof a !== 'string')) {
    throw new TypeError(`argv must be a non-empty array of strings, got ${JSON.stringify(options.argv)}`);
  }
  const badName = Object.keys(options.env ?? {}).find((name) => !ENV_NAME.test(name));
  if (badName !== undefined) throw new TypeError(`env name ${JSON.stringify(badName)} is not a valid variable name`);
  validateDisks(options.disks ?? []);
  validateLimits(options);
}

function validateLimits(options: Pick<RunInGuestOptions, 'timeoutMs' | 'memoryMiB' | 'cpus'>): void {
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
  if (options.memoryMiB !== undefined && !(Number.isSafeInteger(options.memoryMiB) && options.memoryMiB >= 256)) {
    throw new RangeError(`memoryMiB must be a whole number >= 256, got ${options.memoryMiB}`);
  }
  if (options.cpus !== undefined && !(Number.isSafeInteger(options.cpus) && options.cpus >= 1 && options.cpus <= 8)) {
    throw new RangeError(`cpus must be a whole number from 1 to 8, got ${options.cpus}`);
  }
}

/** The qemu argv: TCG, `cpus` vCPUs (default one), host / read-only and the share over 9p. */
export function qemuArgs(request: {
  image: GuestImage;
  shareDir: string;
  diskFiles: string[];
  memoryMiB: number;
  cpus?: number;
  nodePath: string;
  runnerPath: string;
  network?: boolean;
  hostForwards?: readonly { hostPort: number; guestPort: number }[];
  cgroupVersion?: 'v1' | 'v2';
}): string[] {
  for (const [field, value] of Object.entries({ nodePath: request.nodePath, runnerPath: request.runnerPath })) {
    // These ride on the kernel command line, which has no quoting.
    if (!CMDLINE_SAFE.test(value)) throw new TypeError(`${field} ${JSON.stringify(value)} must match ${CMDLINE_SAFE} to pass on the kernel command line`);
  }
  const append = ['console=ttyS0', 'quiet', 'panic=-1', `OPENLOCAL_NODE=${request.nodePath}`, `OPENLOCAL_RUNNER=${request.runnerPath}`];
  // init.sh reads it from its environment (the kernel hands unknown name=value arguments to /init).
  if (request.cgroupVersion === 'v1') append.push('OPENLOCAL_CGROUP=v1');
  const argv = [
    '-accel', 'tcg', '-cpu', 'max', '-smp', String(request.cpus ?? 1), '-m', String(request.memoryMiB),
    '-nographic', '-nodefaults', '-no-reboot',
    '-kernel', request.image.kernelPath, '-initrd', request.image.initrdPath, '-append', append.join(' '),
    '-serial', 'stdio',
    '-virtfs', 'local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap',
    '-virtfs', `local,path=${request.shareDir},mount_tag=share,security_model=none`,
  ];
  for (const file of request.diskFiles) {
    if (file.includes(',')) throw new TypeError(`disk file ${JSON.stringify(file)} must not contain a comma (qemu option syntax)`);
    argv.push('-drive', `file=${file},if=virtio,format=raw,cache=unsafe`);
  }
  if (request.shareDir.includes(',')) throw new TypeError(`shareDir ${JSON.stringify(request.shareDir)} must not contain a comma`);
  // User-mode networking: no host privileges or bridges; init.sh configures eth0 statically (10.0.2.15/24).
  if (request.network === true) {
    const forwards = (request.hostForwards ?? []).map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join('');
    argv.push('-netdev', `user,id=net0${forwards}`, '-device', 'virtio-net-pci,netdev=net0');
  }
  return argv;
}

/** The image file of each disk: the caller's own, or a new sparse one in `dir` (removed after the run). */
async function prepareDisks(dir: string, disks: readonly GuestDisk[]): Promise<string[]> {
  const files: string[] = [];
  for (const [i, disk] of disks.entries()) {
    if (disk.file !== undefined) {
      if (!(await stat(disk.file).then((s) => s.isFile(), () => false))) throw new TypeError(`disks[${i}].file ${disk.file} is not an existing file`);
      files.push(disk.file);
      continue;
    }
    const file = join(dir, `disk${i}.raw`);
    const handle = await open(file, 'w');
    await handle.truncate(disk.sizeBytes);
    await handle.close();
    files.push(file);
  }
  return files;
}

const KEPT_RUNS = 10;

/** A fresh run directory in the cache; only the newest KEPT_RUNS runs are kept. */
async function newOutputDir(): Promise<string> {
  const runs = join(defaultVmCacheDir(), 'runs');
  await mkdir(runs, { recursive: true });
  const dir = await mkdtemp(join(runs, 'run-'));
  const byAge = await Promise.all((await readdir(runs)).map(async (name) => ({ name, mtimeMs: (await stat(join(runs, name))).mtimeMs })));
  for (const old of byAge.sort((a, b) => b.mtimeMs - a.mtimeMs).slice(KEPT_RUNS)) await rm(join(runs, old.name), { recursive: true, force: true });
  return dir;
}

/** job.json for guest-runner.mjs: argv, cwd and env (with the share and disk paths added). */
async function writeJob(shareDir: string, request: { options: RunInGuestOptions; diskCount: number }): Promise<void> {
  const { options, diskCount } = request;
  const env = {
    OPENLOCAL_GUEST_SHARE: GUEST_SHARE_PATH,
    OPENLOCAL_GUEST_DISKS: Array.from({ length: diskCount }, (_, i) => guestDiskPath(i)).join(','),
    ...options.env,
  };
  await writeFile(join(shareDir, 'job.json'), JSON.stringify({ argv: options.argv, cwd: options.cwd ?? REPO_ROOT, env }, null, 2));
}

/** The exit code /init wrote on the share, or null when there is none (crash, timeout, no boot). */
async function readExitCode(shareDir: string): Promise<number | null> {
  const text = await readFile(join(shareDir, 'exit-code'), 'utf8').catch(() => null);
  return text !== null && /^\d+\s*$/.test(text) ? Number(text) : null;
}

/** Boots a guest, runs argv, powers off. Never throws for what happens inside the guest: see exitCode. */
export async function runInGuest(options: RunInGuestOptions): Promise<GuestRunResult> {
  validateGuestRequest(options);
  const log = options.log ?? (() => undefined);
  const image = options.image ?? (await ensureGuestImage({ cacheDir: defaultVmCacheDir(), log, ...(options.signal ? { signal: options.signal } : {}) }));
  const outputDir = options.outputDir ?? (await newOutputDir());
  const shareDir = join(outputDir, 'share');
  await mkdir(shareDir, { recursive: true });
  const consoleLogPath = join(outputDir, 'console.log');
  const diskDir = await mkdtemp(join(tmpdir(), 'openlocal-vm-disks-'));
  try {
    const diskFiles = await prepareDisks(diskDir, options.disks ?? []);
    await writeJob(shareDir, { options, diskCount: diskFiles.length });
    const args = qemuArgs({
      image, shareDir, diskFiles, memoryMiB: options.memoryMiB ?? 1536, cpus: options.cpus ?? 1,
      nodePath: process.execPath, runnerPath: join(here, 'guest-runner.mjs'), network: options.network ?? false, hostForwards: options.hostForwards ?? [],
      cgroupVersion: options.cgroupVersion ?? 'v2',
    });
    const boot = await bootAndWait({ args, cpus: options.cpus ?? 1, consoleLogPath, timeoutMs: options.timeoutMs ?? 600_000, log, onConsole: options.onConsole, signal: options.signal });
    const exitCode = await readExitCode(shareDir);
    if (exitCode === null) log(`the guest recorded no exit code; console log: ${consoleLogPath}`);
    return { exitCode, consoleLogPath, shareDir, ...boot };
  } finally {
    await rm(diskDir, { recursive: true, force: true });
  }
}

interface BootOutcome {
  isTimedOut: boolean;
  rootReadyMs: number | null;
  readyMs: number | null;
  totalMs: number;
  qemuPid: number | undefined;
}

/** Runs qemu to its end (or kills it at the deadline), logging the console and the guest's milestones. */
function bootAndWait(request: {
  args: string[];
  cpus: number;
  consoleLogPath: string;
  timeoutMs: number;
  log: (message: string) => void;
  onConsole: ((chunk: Buffer) => void) | undefined;
  signal: AbortSignal | undefined;
}): Promise<BootOutcome> {
  const { log } = request;
  const started = performance.now();
  const outcome: BootOutcome = { isTimedOut: false, rootReadyMs: null, readyMs: null, totalMs: 0, qemuPid: undefined };
  const consoleLog = createWriteStream(request.consoleLogPath);
  // OPENLOCAL_QEMU names another binary (tests of the "QEMU cannot run" path use a missing one).
  const binary = process.env.OPENLOCAL_QEMU ?? 'qemu-system-x86_64';
  log(`booting guest: ${binary} (TCG, ${request.cpus} vCPU${request.cpus === 1 ? '' : 's'}); console log ${request.consoleLogPath}`);
  const qemu = spawn(binary, request.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
  outcome.qemuPid = qemu.pid;
  const kill = (why: string): void => {
    log(`${why}: killing qemu (pid ${qemu.pid}); console log kept at ${request.consoleLogPath}`);
    qemu.kill('SIGKILL');
  };
  const timer = setTimeout(() => {
    outcome.isTimedOut = true;
    kill(`guest still running after ${request.timeoutMs / 1000} s`);
  }, request.timeoutMs);
  const onAbort = (): void => kill('aborted');
  request.signal?.addEventListener('abort', onAbort, { once: true });
  let pending = '';
  const onOutput = (chunk: Buffer): void => {
    consoleLog.write(chunk);
    request.onConsole?.(chunk);
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    const seconds = (): string => ((performance.now() - started) / 1000).toFixed(1);
    for (const line of lines) {
      if (outcome.rootReadyMs === null && line.includes('openlocal-guest: root ready')) {
        outcome.rootReadyMs = performance.now() - started;
        log(`guest root ready after ${seconds()} s`);
      }
      if (outcome.readyMs === null && line.includes('openlocal-guest: ready')) {
        outcome.readyMs = performance.now() - started;
        log(`guest ready after ${seconds()} s (node running the job)`);
      }
    }
  };
  qemu.stdout.on('data', onOutput);
  qemu.stderr.on('data', onOutput);
  return new Promise((resolve, reject) => {
    qemu.on('error', (error) => {
      clearTimeout(timer);
      consoleLog.end();
      reject(new QemuUnavailableError(`cannot start ${binary}: ${error.message}`, { cause: error }));
    });
    qemu.on('close', (code, signal) => {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      outcome.totalMs = performance.now() - started;
      log(`guest powered off after ${(outcome.totalMs / 1000).toFixed(1)} s (qemu ${signal ?? `exit ${code}`})`);
      consoleLog.end(() => resolve(outcome));
    });
  });
}
