// Loop-backed disks of a guest test's own, optionally behind a device-mapper linear table (which the hung-disk
// test suspends), with an lvm.conf whose filter admits only them. Everything is removed by cleanup(), which
// first resumes any suspended table: a suspended device left behind would hang every later lvm scan.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const MiB = 2 ** 20;

export interface PrivateDisks {
  /** Device paths in creation order: /dev/mapper/<name> when behind dm, else /dev/loopN. */
  devices: string[];
  /** The LVM_SYSTEM_DIR that sees only these devices (guest settings: no udev, no monitoring). */
  lvmSystemDir: string;
  dir: string;
  /** Runs lvm with this view and ignore_suspended_devices, so the test itself never blocks on a suspended disk. */
  lvm(args: string[]): Promise<string>;
  cleanup(): Promise<void>;
}

export async function createPrivateDisks(options: { prefix: string; sizesMiB: number[]; viaDeviceMapper: boolean }): Promise<PrivateDisks> {
  const dir = await mkdtemp(join(tmpdir(), `${options.prefix}-`));
  const loops: string[] = [];
  const tables: string[] = [];
  const devices: string[] = [];
  const lvmSystemDir = join(dir, 'lvm');
  const lvm = async (args: string[]) => {
    const [sub, ...rest] = args;
    const { stdout } = await exec('lvm', [sub ?? '', '--config', 'devices/ignore_suspended_devices=1', ...rest], { env: { ...process.env, LVM_SYSTEM_DIR: lvmSystemDir, LVM_SUPPRESS_FD_WARNINGS: '1' } });
    return stdout;
  };
  const cleanup = async () => {
    for (const table of tables) await exec('dmsetup', ['resume', table]).catch(() => undefined);
    const vgs = await lvm(['vgs', '--noheadings', '-o', 'vg_name']).catch(() => '');
    for (const vg of vgs.split('\n').map((l) => l.trim()).filter(Boolean)) await lvm(['vgremove', '--force', vg]).catch(() => undefined);
    for (const table of tables) await exec('dmsetup', ['remove', '--retry', table]).catch(() => undefined);
    for (const loop of loops) await exec('losetup', ['-d', loop]).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await exec('mkdir', ['-p', lvmSystemDir]);
    for (const [i, size] of options.sizesMiB.entries()) {
      const file = join(dir, `disk${i}.img`);
      await writeFile(file, '');
      await truncate(file, size * MiB);
      const { stdout } = await exec('losetup', ['--find', '--show', file]);
      const loop = stdout.trim();
      loops.push(loop);
      if (!options.viaDeviceMapper) {
        devices.push(loop);
        continue;
      }
      const table = `${options.prefix}-${i}`;
      await exec('dmsetup', ['create', table, '--table', `0 ${(size * MiB) / 512} linear ${loop} 0`]);
      tables.push(table);
      await exec('dmsetup', ['mknodes', table]);
      devices.push(`/dev/mapper/${table}`);
    }
    const accept = devices.map((d) => `"a|^${d}$|"`).join(', ');
    await writeFile(
      join(lvmSystemDir, 'lvm.conf'),
      [
        'activation { udev_sync = 0 udev_rules = 0 monitoring = 0 }',
        `devices { obtain_device_list_from_udev = 0 use_devicesfile = 0 global_filter = [ ${accept}, "r|.*|" ] }`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { devices, lvmSystemDir, dir, lvm, cleanup };
}
