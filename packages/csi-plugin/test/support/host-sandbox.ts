// A private corner of the host for one test file: sparse loop devices, an LVM view that sees only them
// (LVM_SYSTEM_DIR with a device filter), a kubelet-style directory, and cleanup of everything it made —
// mounts, VGs, loops, files — even when the test failed.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface HostSandbox {
  root: string;
  kubeletDir: string;
  lvmSystemDir: string;
  env: Record<string, string>;
  loops: string[];
  /** `^(loop12|loop13)$` for --device-regexp. */
  deviceRegexp: string;
  run(argv: string[]): Promise<{ stdout: string; stderr: string }>;
  cleanup(): Promise<void>;
}

/** Why host tests cannot run here, or null. */
export async function hostSkipReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root for loop devices, lvm, mkfs and mount';
  for (const tool of ['losetup', 'lvm', 'mkfs.ext4', 'mkfs.xfs', 'wipefs', 'blkid']) {
    const found = await exec('sh', ['-c', 'command -v "$1"', 'sh', tool]).then(
      () => true,
      () => false,
    );
    if (!found) return `${tool} is not installed (scripts/setup installs it)`;
  }
  return null;
}

function lvmConf(loops: readonly string[]): string {
  const accept = loops.map((l) => `"a|^${l}$|"`).join(', ');
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

async function mountsUnder(root: string): Promise<string[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((point) => point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
}

/** Creates `sizesMiB.length` loop devices of those sizes. */
export async function createHostSandbox(sizesMiB: readonly number[]): Promise<HostSandbox> {
  const root = await mkdtemp(join(tmpdir(), 'openlocal-csi-'));
  const loops: string[] = [];
  const lvmSystemDir = join(root, 'lvm');
  const env = { LVM_SYSTEM_DIR: lvmSystemDir, LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
  const run = (argv: string[]) => exec(argv[0] ?? 'false', argv.slice(1), { env: { ...process.env, ...env } });
  let isCleaned = false;
  const cleanup = async () => {
    if (isCleaned) return;
    isCleaned = true;
    for (const point of await mountsUnder(root)) await exec('umount', ['--lazy', point]).catch((e: unknown) => void e);
    const vgs = loops.length === 0 ? [] : (await run(['lvm', 'vgs', '--noheadings', '-o', 'vg_name']).catch(() => ({ stdout: '' }))).stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    for (const vg of vgs) await run(['lvm', 'vgremove', '--force', '--driverloaded', 'n', vg]).catch((e: unknown) => void e);
    for (const loop of loops) await exec('losetup', ['--detach', loop]).catch((e: unknown) => void e);
    await rm(root, { recursive: true, force: true });
  };
  try {
    for (const [i, sizeMiB] of sizesMiB.entries()) {
      const file = join(root, `disk${i}.img`);
      const handle = await open(file, 'w');
      await handle.truncate(sizeMiB * 2 ** 20);
      await handle.close();
      loops.push((await exec('losetup', ['--find', '--show', file])).stdout.trim());
    }
    await mkdir(lvmSystemDir, { recursive: true });
    await writeFile(join(lvmSystemDir, 'lvm.conf'), lvmConf(loops));
    await mkdir(join(root, 'kubelet'), { recursive: true });
  } catch (error) {
    await cleanup();
    throw error;
  }
  const deviceRegexp = `^(${loops.map((l) => basename(l)).join('|')})$`;
  return { root, kubeletDir: join(root, 'kubelet'), lvmSystemDir, env, loops, deviceRegexp, run, cleanup };
}

/** A unique VG name per test run. */
export function uniqueVg(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
}
