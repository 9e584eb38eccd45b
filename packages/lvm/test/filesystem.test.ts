// Host integration: mkfs, mount, statfs, grow and unmount on real loop devices; sysfs discovery of them.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalExecutor,
  listBlockDevices,
  makeFilesystem,
  mount,
  probeFilesystem,
  readMountInfo,
  statFilesystem,
  unmount,
} from '../src/index.js';
import { createLvmSandbox, hostSkipReason, runIn, type LvmSandbox } from './support/sandbox.js';

const MiB = 1024 * 1024;
const skipReason = await hostSkipReason();
if (skipReason) process.stdout.write(`SKIP filesystem host tests: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('filesystems and mounts on real loop devices', () => {
  let sandbox: LvmSandbox;
  let mountDir: string;
  const executor = createLocalExecutor();
  const mounted: string[] = [];

  beforeAll(async () => {
    sandbox = await createLvmSandbox(3, 320 * MiB);
    mountDir = await mkdtemp(join(tmpdir(), 'openlocal-mnt-'));
  });

  afterAll(async () => {
    for (const target of mounted.reverse()) await unmount(executor, target).catch(() => undefined);
    await rm(mountDir, { recursive: true, force: true });
    await sandbox?.cleanup();
  });

  it('finds our loop devices through sysfs with their sizes', async () => {
    const names = sandbox.loops.map((l) => l.path.replace('/dev/', ''));
    const devices = await listBlockDevices({ nameRegexp: new RegExp(`^(${names.join('|')})$`) });
    expect(devices.map((d) => d.path).sort()).toEqual(sandbox.loops.map((l) => l.path).sort());
    expect(devices.every((d) => d.sizeBytes === 320 * MiB && !d.isPartition && /^7:\d+$/.test(d.majMin))).toBe(true);
  });

  it.each([
    { name: 'ext4', fsType: 'ext4' as const, index: 0 },
    { name: 'xfs', fsType: 'xfs' as const, index: 1 },
  ])('$name: format a blank device, mount it, write, statfs, unmount', async ({ fsType, index }) => {
    const device = sandbox.loops[index]!.path;
    expect(await probeFilesystem(executor, device)).toEqual({ fsType: null });
    await makeFilesystem(executor, { device, fsType });
    expect(await probeFilesystem(executor, device)).toEqual({ fsType });

    const target = join(mountDir, fsType);
    await runIn(sandbox, ['mkdir', '-p', target]);
    await mount(executor, { source: device, target, fsType, options: ['noatime'] });
    mounted.push(target);
    const entry = (await readMountInfo()).find((e) => e.mountPoint === target);
    expect(entry).toMatchObject({ fsType, source: device });
    expect(entry?.options).toContain('noatime');

    await writeFile(join(target, 'data.txt'), 'kept');
    const stats = await statFilesystem(target);
    expect(stats.totalBytes).toBeGreaterThan(200 * MiB);
    expect(stats.totalBytes).toBeLessThanOrEqual(320 * MiB);
    expect(stats.availableBytes).toBeLessThan(stats.totalBytes);
    expect(stats.totalInodes).toBeGreaterThan(0);

    await unmount(executor, target);
    mounted.pop();
    expect((await readMountInfo()).some((e) => e.mountPoint === target)).toBe(false);
    await unmount(executor, target); // idempotent

    // Formatting again is refused and the data survives.
    await expect(makeFilesystem(executor, { device, fsType: 'ext4' })).rejects.toMatchObject({ code: 'DEVICE_HAS_FILESYSTEM' });
    await mount(executor, { source: device, target, fsType });
    mounted.push(target);
    expect(await readFile(join(target, 'data.txt'), 'utf8')).toBe('kept');
    await unmount(executor, target);
    mounted.pop();
  });

  it('a read-only bind mount refuses writes', async () => {
    const source = join(mountDir, 'src');
    const target = join(mountDir, 'ro-bind');
    await runIn(sandbox, ['mkdir', '-p', source, target]);
    await mount(executor, { source, target, bind: true, readOnly: true });
    mounted.push(target);
    await expect(writeFile(join(target, 'x'), 'y')).rejects.toThrow(/EROFS|read-only/);
    await unmount(executor, target);
    mounted.pop();
  });

  it('a PV is never formatted', async () => {
    const device = sandbox.loops[2]!.path;
    await runIn(sandbox, ['lvm', 'pvcreate', device]);
    await expect(makeFilesystem(executor, { device, fsType: 'xfs' })).rejects.toMatchObject({ code: 'DEVICE_HAS_FILESYSTEM' });
    expect(await probeFilesystem(executor, device)).toEqual({ fsType: 'LVM2_member' });
  });
});
