// A private corner of the host (or the QEMU guest) for tests and the demo: sparse loop devices, optionally each
// behind a device-mapper linear table (which a guest test can suspend to hang the disk), an LVM view that sees
// only them (LVM_SYSTEM_DIR with a device filter), a kubelet-style directory, and cleanup of everything it made —
// resumed tables, mounts, VGs, tables, loops, files — even when the caller failed. The one loop/LVM sandbox,
// published as part of '@openlocal/lvm/testing'.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Loop devices with a private LVM view; see {@link createHostSandbox}. */
export interface HostSandbox {
  /** Private directory holding the backing files, `lvm/lvm.conf` and `kubelet/`. */
  readonly root: string;
  readonly kubeletDir: string;
  /** LVM_SYSTEM_DIR whose filter accepts only {@link loops}. */
  readonly lvmSystemDir: string;
  /** Environment for lvm commands in this view (LVM_SYSTEM_DIR, LC_ALL=C, no fd warnings). */
  readonly env: Record<string, string>;
  /** `/dev/loopN` paths, in the order of the sizes asked for. */
  readonly loops: string[];
  /**
   * The block devices the LVM view sees, in the order of the sizes: the loops, or with `viaDeviceMapper`
   * `/dev/mapper/<dirPrefix>…-<i>`, the linear tables over them.
   */
  readonly devices: string[];
  /** `^(loop12|loop13)$`: the loops' kernel names, for `--device-regexp` / `--regexp`. */
  readonly deviceRegexp: string;
  /** Runs argv (no shell) with {@link env}. */
  run(argv: readonly string[]): Promise<{ stdout: string; stderr: string }>;
  /**
   * Runs `lvm <args>` in this view with `ignore_suspended_devices`, so the test itself never blocks on a disk it
   * suspended; resolves with stdout.
   */
  runLvm(args: readonly string[]): Promise<string>;
  /** Unmounts what is under {@link root}, removes the VGs on our loops, detaches them, deletes the files. Safe to call twice. */
  cleanup(): Promise<void>;
  /**
   * The same, synchronously: for a process 'exit' hook (a forced exit), where nothing can be awaited.
   * Does nothing after {@link cleanup} finished.
   */
  cleanupSync(): void;
}

/** Options of {@link createHostSandbox}. */
export interface HostSandboxOptions {
  /** Prefix of the private directory's name under the system temp dir (default `openlocal-sandbox-`). */
  readonly dirPrefix?: string;
  /**
   * Put each loop behind a device-mapper linear table (needs device-mapper: the QEMU guest), so a test can
   * `dmsetup suspend` one to make the disk hang. Cleanup resumes every table first: a suspended device left
   * behind would hang every later lvm scan.
   */
  readonly viaDeviceMapper?: boolean;
}

/** Why host tests cannot run here (not root, a tool missing), or null when they can. */
export async function hostSkipReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root for loop devices, lvm, mkfs and mount';
  for (const tool of ['losetup', 'lvm', 'mkfs.ext4', 'mkfs.xfs', 'wipefs', 'blkid']) {
    const isFound = await exec('sh', ['-c', 'command -v "$1"', 'sh', tool]).then(
      () => true,
      () => false,
    );
    if (!isFound) return `${tool} is not installed (scripts/setup installs it)`;
  }
  return null;
}

function lvmConf(devices: readonly string[]): string {
  const accept = devices.map((device) => `"a|^${device}$|"`).join(', ');
  return [
    'devices {',
    `  global_filter = [ ${accept}, "r|.*|" ]`,
    `  filter = [ ${accept}, "r|.*|" ]`,
    '  use_devicesfile = 0',
    '  obtain_device_list_from_udev = 0',
    '}',
    'activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }',
    'backup { backup = 0 archive = 0 }',
    '',
  ].join('\n');
}

/** Pure: mount points under `root` in a /proc/self/mountinfo text, deepest first. */
export function mountsUnder(mountinfo: string, root: string): string[] {
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

/** Pure: VG names from `vgs --noheadings -o vg_name`. */
function vgNames(stdout: string): string[] {
  return stdout.split('\n').map((line) => line.trim()).filter(Boolean);
}

/** What cleanup needs, shared by the async and sync variants. */
interface CleanupState {
  readonly root: string;
  readonly loops: string[];
  /** Device-mapper table names, for `viaDeviceMapper`. */
  readonly tables: string[];
  readonly env: Record<string, string>;
  isCleaned: boolean;
}

/**
 * vgremove's argv: without device-mapper (the host) lvm must not try to deactivate LVs, so `--driverloaded n`;
 * with it (the guest) plain, so active LVs are deactivated and release the disks.
 */
function vgremoveArgv(vg: string): string[] {
  return hasDeviceMapper() ? ['vgremove', '--force', vg] : ['vgremove', '--force', '--driverloaded', 'n', vg];
}

/** Whether the kernel has device-mapper: its misc device is registered (a stale /dev/mapper/control node is not enough). */
export function hasDeviceMapper(): boolean {
  return existsSync('/proc/misc') && /\sdevice-mapper$/m.test(readFileSync('/proc/misc', 'utf8'));
}

async function cleanupAsync(state: CleanupState): Promise<void> {
  if (state.isCleaned) return;
  state.isCleaned = true;
  const options = { env: { ...process.env, ...state.env } };
  // Every step tolerates "already gone": cleanup runs after partial set-ups and after failures.
  const tolerate = (error: unknown): void => void error;
  for (const table of state.tables) await exec('dmsetup', ['resume', table]).catch(tolerate);
  for (const point of mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), state.root)) await exec('umount', ['--lazy', point]).catch(tolerate);
  // Only VGs on our loops are visible through the filter, so these are ours.
  const vgs = state.loops.length === 0 ? [] : vgNames((await exec('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], options).catch(() => ({ stdout: '' }))).stdout);
  for (const vg of vgs) await exec('lvm', vgremoveArgv(vg), options).catch(tolerate);
  for (const table of state.tables) await exec('dmsetup', ['remove', '--retry', table]).catch(tolerate);
  for (const loop of state.loops) await exec('losetup', ['--detach', loop]).catch(tolerate);
  await rm(state.root, { recursive: true, force: true });
}

function cleanupNow(state: CleanupState): void {
  if (state.isCleaned) return;
  state.isCleaned = true;
  const options = { env: { ...process.env, ...state.env }, encoding: 'utf8' as const };
  for (const table of state.tables) spawnSync('dmsetup', ['resume', table]);
  for (const point of mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), state.root)) spawnSync('umount', ['--lazy', point]);
  const vgs = state.loops.length === 0 ? [] : vgNames(spawnSync('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], options).stdout ?? '');
  for (const vg of vgs) spawnSync('lvm', vgremoveArgv(vg), options);
  for (const table of state.tables) spawnSync('dmsetup', ['remove', '--retry', table]);
  for (const loop of state.loops) spawnSync('losetup', ['--detach', loop]);
  rmSync(state.root, { recursive: true, force: true });
}

async function attachLoop(root: string, index: number, sizeMiB: number): Promise<string> {
  const file = join(root, `disk${index}.img`);
  const handle = await open(file, 'w');
  await handle.truncate(sizeMiB * 2 ** 20);
  await handle.close();
  return (await exec('losetup', ['--find', '--show', file])).stdout.trim();
}

/** A linear device-mapper table named `table` over the whole of `loop`; returns its /dev/mapper path. */
async function createLinearTable(table: string, loop: string, sizeMiB: number): Promise<string> {
  await exec('dmsetup', ['create', table, '--table', `0 ${(sizeMiB * 2 ** 20) / 512} linear ${loop} 0`]);
  await exec('dmsetup', ['mknodes', table]);
  return `/dev/mapper/${table}`;
}

/**
 * Creates one sparse loop device per size (MiB) and an lvm.conf that sees only them. On failure, removes what
 * it made and rethrows. The caller owns {@link HostSandbox.cleanup}.
 */
export async function createHostSandbox(sizesMiB: readonly number[], options: HostSandboxOptions = {}): Promise<HostSandbox> {
  const root = await mkdtemp(join(tmpdir(), options.dirPrefix ?? 'openlocal-sandbox-'));
  const lvmSystemDir = join(root, 'lvm');
  const env = { LVM_SYSTEM_DIR: lvmSystemDir, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
  const state: CleanupState = { root, loops: [], tables: [], env, isCleaned: false };
  const devices: string[] = [];
  try {
    for (const [index, sizeMiB] of sizesMiB.entries()) {
      const loop = await attachLoop(root, index, sizeMiB);
      state.loops.push(loop);
      if (options.viaDeviceMapper !== true) {
        devices.push(loop);
        continue;
      }
      // Named after the private directory, which is unique, so parallel sandboxes never share a table name.
      const table = `${basename(root)}-${index}`;
      state.tables.push(table);
      devices.push(await createLinearTable(table, loop, sizeMiB));
    }
    await mkdir(lvmSystemDir, { recursive: true });
    await writeFile(join(lvmSystemDir, 'lvm.conf'), lvmConf(devices));
    await mkdir(join(root, 'kubelet'), { recursive: true });
  } catch (error) {
    await cleanupAsync(state);
    throw error;
  }
  const run = (argv: readonly string[]) => exec(argv[0] ?? 'false', argv.slice(1), { env: { ...process.env, ...env } });
  return {
    root,
    kubeletDir: join(root, 'kubelet'),
    lvmSystemDir,
    env,
    loops: state.loops,
    devices,
    deviceRegexp: `^(${state.loops.map((loop) => basename(loop)).join('|')})$`,
    run,
    runLvm: async ([command, ...rest]) => (await run(['lvm', command ?? '', '--config', 'devices/ignore_suspended_devices=1', ...rest])).stdout,
    cleanup: () => cleanupAsync(state),
    cleanupSync: () => cleanupNow(state),
  };
}

/** A VG name unique to this process and call, so parallel or repeated runs never collide. */
export function uniqueVg(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
}
