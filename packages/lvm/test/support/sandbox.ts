// Test support: loop devices on sparse files and a private LVM view (LVM_SYSTEM_DIR with a device filter that
// accepts only our loops), so tests see and touch nothing but what they created, even with other VGs present.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface LoopDevice {
  path: string;
  file: string;
}

export interface LvmSandbox {
  dir: string;
  loops: LoopDevice[];
  /** Environment that gives lvm the private view. */
  env: Record<string, string>;
  /** Detaches the loops and removes the files; removes every VG on them first. Safe to call twice. */
  cleanup(): Promise<void>;
}

/** Why host tests cannot run here, or null when they can (root, losetup, lvm). */
export async function hostSkipReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'host LVM tests need root (loop devices, lvm)';
  for (const tool of ['losetup', 'lvm', 'mkfs.ext4']) {
    const found = await run('which', [tool]).then(
      () => true,
      () => run('test', ['-x', `/usr/sbin/${tool}`]).then(() => true, () => false),
    );
    if (!found) return `${tool} is not installed (scripts/setup installs it)`;
  }
  return null;
}

async function createLoop(dir: string, index: number, sizeBytes: number): Promise<LoopDevice> {
  const file = join(dir, `disk${index}.img`);
  const handle = await open(file, 'w');
  await handle.truncate(sizeBytes);
  await handle.close();
  const { stdout } = await run('losetup', ['--find', '--show', file]);
  return { path: stdout.trim(), file };
}

function lvmConf(loops: readonly LoopDevice[]): string {
  const accept = loops.map((l) => `"a|^${l.path}$|"`).join(', ');
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

/** Creates `count` sparse loop devices of `sizeBytes` and an lvm.conf that sees only them. */
export async function createLvmSandbox(count: number, sizeBytes = 256 * 1024 * 1024): Promise<LvmSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'openlocal-lvm-'));
  const loops: LoopDevice[] = [];
  const env = { LVM_SYSTEM_DIR: join(dir, 'lvm'), LVM_SUPPRESS_FD_WARNINGS: '1', LC_ALL: 'C' };
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    // Remove our VGs (only ours are visible through the filter), then our loops, then the files.
    const opts = { env: { ...process.env, ...env } };
    const vgs = await run('lvm', ['vgs', '--noheadings', '-o', 'vg_name'], opts).then((r) => r.stdout.split('\n').map((s) => s.trim()).filter(Boolean), () => []);
    for (const vg of vgs) await run('lvm', ['vgremove', '--force', '--driverloaded', 'n', vg], opts).catch(() => undefined);
    for (const loop of loops) {
      await run('lvm', ['pvremove', '--force', '--force', '--yes', loop.path], opts).catch(() => undefined);
      await run('losetup', ['--detach', loop.path]).catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i += 1) loops.push(await createLoop(dir, i, sizeBytes));
    await mkdir(env.LVM_SYSTEM_DIR, { recursive: true });
    await writeFile(join(env.LVM_SYSTEM_DIR, 'lvm.conf'), lvmConf(loops));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { dir, loops, env, cleanup };
}

/** Runs a command with the sandbox's environment (for test setup outside the code under test). */
export async function runIn(sandbox: LvmSandbox, argv: string[]): Promise<{ stdout: string; stderr: string }> {
  const [program, ...args] = argv;
  return run(program!, args, { env: { ...process.env, ...sandbox.env } });
}

/** A process-unique name for VGs and LVs, so parallel or repeated runs never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid}x${Math.floor(Math.random() * 1e6)}`;
}
