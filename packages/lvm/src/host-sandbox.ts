// A private corner of the host for tests and the demo: sparse loop devices, an LVM view that sees only them
// (LVM_SYSTEM_DIR with a device filter), a kubelet-style directory, and cleanup of everything it made —
// mounts, VGs, loops, files — even when the caller failed. Published as part of '@openlocal/lvm/testing'.
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
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
  /** `^(loop12|loop13)$`: the loops' kernel names, for `--device-regexp` / `--regexp`. */
  readonly deviceRegexp: string;
  /** Runs argv (no shell) with {@link env}. */
  run(argv: readonly string[]): Promise<{ stdout: string; stderr: string }>;
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

function lvmConf(loops: readonly string[]): string {
  const accept = loops.map((loop) => `"a|^${loop}$|"`).join(', ');
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
  readonly env: Record<string, string>;
  isCleaned: boolean;
}

async function cleanupAsync(state: CleanupState): Promise<void> {
  if (state.isCleaned) return;
  state.isCleaned = true;
  const options = { env: { ...process.env, ...state.env } };
  // Every step tolerates "already gone": cleanup runs after partial set-ups and after failures.
  const tolerate = (error: unknown): void => void error;
  for (const point of mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), state.root)) await exec('umount', ['--lazy', point]).catch(tolerate);
  // Only VGs on our loops are visible through the filter, so these are ours.
  const vgs = state.loops.length === 0 ? [] : vgNames((await exec('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], options).catch(() => ({ stdout: '' }))).stdout);
  for (const vg of vgs) await exec('lvm', ['vgremove', '--force', '--driverloaded', 'n', vg], options).catch(tolerate);
  for (const loop of state.loops) await exec('losetup', ['--detach', loop]).catch(tolerate);
  await rm(state.root, { recursive: true, force: true });
}

function cleanupNow(state: CleanupState): void {
  if (state.isCleaned) return;
  state.isCleaned = true;
  const options = { env: { ...process.env, ...state.env }, encoding: 'utf8' as const };
  for (const point of mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), state.root)) spawnSync('umount', ['--lazy', point]);
  const vgs = state.loops.length === 0 ? [] : vgNames(spawnSync('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], options).stdout ?? '');
  for (const vg of vgs) spawnSync('lvm', ['vgremove', '--force', '--driverloaded', 'n', vg], options);
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

/**
 * Creates one sparse loop device per size (MiB) and an lvm.conf that sees only them. On failure, removes what
 * it made and rethrows. The caller owns {@link HostSandbox.cleanup}.
 */
export async function createHostSandbox(sizesMiB: readonly number[], options: HostSandboxOptions = {}): Promise<HostSandbox> {
  const root = await mkdtemp(join(tmpdir(), options.dirPrefix ?? 'openlocal-sandbox-'));
  const lvmSystemDir = join(root, 'lvm');
  const env = { LVM_SYSTEM_DIR: lvmSystemDir, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
  const state: CleanupState = { root, loops: [], env, isCleaned: false };
  try {
    for (const [index, sizeMiB] of sizesMiB.entries()) state.loops.push(await attachLoop(root, index, sizeMiB));
    await mkdir(lvmSystemDir, { recursive: true });
    await writeFile(join(lvmSystemDir, 'lvm.conf'), lvmConf(state.loops));
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
    deviceRegexp: `^(${state.loops.map((loop) => basename(loop)).join('|')})$`,
    run,
    cleanup: () => cleanupAsync(state),
    cleanupSync: () => cleanupNow(state),
  };
}

/** A VG name unique to this process and call, so parallel or repeated runs never collide. */
export function uniqueVg(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
}
