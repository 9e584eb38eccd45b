// A simulated node's storage: loop devices on sparse files and a private LVM view (LVM_SYSTEM_DIR whose
// filter accepts only this node's loops), so nodes sharing one kernel each see only their own disks.
// cleanup() removes what this sandbox created (VGs on its loops, loops, files), even after failures.
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalExecutor, Lvm, type Executor } from '@openlocal/lvm';

const execFileAsync = promisify(execFile);

export interface NodeSandbox {
  readonly name: string;
  readonly dir: string;
  readonly loops: readonly string[];
  readonly lvmSystemDir: string;
  readonly mountRoot: string;
  readonly env: Record<string, string>;
  readonly lvm: Lvm;
  readonly executor: Executor;
  /** `--regexp` matching exactly this node's loops by kernel name. */
  readonly deviceRegexp: string;
  cleanup(): Promise<void>;
}

export async function run(argv: readonly string[], env: Record<string, string> = {}): Promise<string> {
  const [command = '', ...args] = argv;
  const { stdout } = await execFileAsync(command, args, { env: { ...process.env, LVM_SUPPRESS_FD_WARNINGS: '1', ...env } });
  return stdout;
}

/** Why these tests cannot run here, or null. */
export async function hostSkipReason(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (loop devices, lvm, mount)';
  for (const tool of ['losetup', 'lvm', 'blkid', 'mkfs.ext4']) {
    const isFound = (await Promise.all(['/usr/sbin', '/sbin', '/usr/bin', '/bin'].map((dir) => access(join(dir, tool)).then(() => true, () => false)))).some(Boolean);
    if (!isFound) return `${tool} is not installed (scripts/setup installs it)`;
  }
  return null;
}

function lvmConf(loops: readonly string[]): string {
  const accept = loops.map((loop) => `"a|^${loop}$|"`).join(', ');
  return [
    'devices {', `  global_filter = [ ${accept}, "r|.*|" ]`, `  filter = [ ${accept}, "r|.*|" ]`,
    '  use_devicesfile = 0', '  obtain_device_list_from_udev = 0', '}',
    'activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }', 'backup { backup = 0 archive = 0 }', '',
  ].join('\n');
}

export async function createNodeSandbox(name: string, loopCount: number, loopBytes: number): Promise<NodeSandbox> {
  const dir = await mkdtemp(join(tmpdir(), `openlocal-${name}-`));
  const loops: string[] = [];
  const cleanup = async (): Promise<void> => {
    const env = { LVM_SYSTEM_DIR: join(dir, 'lvm') };
    // Remove VGs that live on our loops only (the filter hides every other device).
    const vgs = await run(['vgs', '--noheadings', '-o', 'vg_name'], env).catch(() => '');
    for (const vg of vgs.split('\n').map((l) => l.trim()).filter(Boolean)) await run(['vgremove', '-f', vg], env).catch(() => '');
    for (const loop of loops) await run(['pvremove', '-ff', '-y', loop], env).catch(() => '');
    const mounts = (await readFile('/proc/mounts', 'utf8')).split('\n').map((line) => line.split(' ')[1] ?? '').filter((m) => m.startsWith(`${dir}/`));
    for (const target of mounts.reverse()) await run(['umount', target]).catch(() => '');
    for (const loop of loops) await run(['losetup', '-d', loop]).catch(() => '');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < loopCount; i += 1) {
      const file = join(dir, `disk${i}.img`);
      const handle = await open(file, 'w');
      await handle.truncate(loopBytes);
      await handle.close();
      loops.push((await run(['losetup', '--find', '--show', file])).trim());
    }
    const lvmSystemDir = join(dir, 'lvm');
    const mountRoot = join(dir, 'mnt');
    await mkdir(lvmSystemDir, { recursive: true });
    await mkdir(mountRoot, { recursive: true });
    await writeFile(join(lvmSystemDir, 'lvm.conf'), lvmConf(loops));
    const env = { LVM_SYSTEM_DIR: lvmSystemDir, LVM_SUPPRESS_FD_WARNINGS: '1' };
    const executor = createLocalExecutor({ env });
    const kernelNames = loops.map((loop) => loop.replace('/dev/', ''));
    return {
      name, dir, loops, lvmSystemDir, mountRoot, env, executor, lvm: new Lvm({ executor, env }),
      deviceRegexp: `^(${kernelNames.join('|')})$`, cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
