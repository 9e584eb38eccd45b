// Striped LVs (Open-Local's `lvmType: striping`) on device-mapper: the kernel maps the LV across both PVs with
// the stripe size asked for and advertises that geometry, xfs works on it, and more stripes than PVs are refused.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, Lvm, LvmError, makeFilesystem, mount, unmount } from '@openlocal/lvm';
import { blockDeviceBytes, claimDisk, createTimingExecutor, guestSkipReason, removeVgAndWipe, saveOpTimes, sh, type OpTime } from './support/guest.js';

const MiB = 1024 * 1024;
const skipReason = await guestSkipReason();
if (skipReason) process.stdout.write(`SKIP lvm:guest striped: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('striped LVs across two PVs', () => {
  const vgName = 'olstriped';
  const times: OpTime[] = [];
  const executor = createTimingExecutor(createLocalExecutor(), times);
  const lvm = new Lvm({ executor });
  const disks: string[] = [];
  let mountDir = '';

  beforeAll(async () => {
    disks.push(await claimDisk(), await claimDisk());
    mountDir = await mkdtemp(join(tmpdir(), 'striped-'));
    await lvm.createVg({ name: vgName, devices: disks });
  });

  afterAll(async () => {
    await unmount(executor, mountDir).catch(() => undefined);
    await removeVgAndWipe(vgName, disks[0] ?? '');
    if (disks[1]) await removeVgAndWipe(vgName, disks[1]);
    await rm(mountDir, { recursive: true, force: true });
    await saveOpTimes('striped', times);
  });

  it('maps a 2-stripe LV across both disks with a 64 KiB chunk, advertises that geometry, and holds xfs', async () => {
    const lv = await lvm.createLv({ vgName, name: 'striped', sizeBytes: 320 * MiB, stripes: 2, stripeSizeBytes: 64 * 1024 });
    expect(lv).toMatchObject({ stripes: 2, stripeSizeBytes: 64 * 1024, isActive: true, sizeBytes: 320 * MiB });
    expect(await blockDeviceBytes(lv.devicePath)).toBe(320 * MiB);

    // dmsetup table: "<start> <length> striped <stripes> <chunk sectors> <dev> <offset> <dev> <offset>".
    const table = (await sh(['dmsetup', 'table', `${vgName}-striped`])).trim().split(/\s+/);
    expect(table.slice(2, 5)).toEqual(['striped', '2', '128']);
    const majMins = await Promise.all(disks.map(async (d) => (await readFile(`/sys/block/${d.slice(5)}/dev`, 'utf8')).trim()));
    expect([table[5], table[7]].sort()).toEqual(majMins.sort());

    // The kernel advertises the geometry to filesystems: one chunk as the minimum I/O, a full stripe as optimal.
    // No udev here: lvm makes /dev/mapper nodes itself, so find the device by its numbers, not a symlink.
    const majMin = (await sh(['dmsetup', 'info', '-c', '--noheadings', '-o', 'major,minor', '--separator', ':', `${vgName}-striped`])).trim();
    const queue = async (key: string): Promise<number> => Number((await readFile(`/sys/dev/block/${majMin}/queue/${key}`, 'utf8')).trim());
    expect(await queue('minimum_io_size')).toBe(64 * 1024);
    expect(await queue('optimal_io_size')).toBe(128 * 1024);

    await makeFilesystem(executor, { device: lv.devicePath, fsType: 'xfs' });
    await mount(executor, { source: lv.devicePath, target: mountDir, fsType: 'xfs' });
    await writeFile(join(mountDir, 'data.bin'), Buffer.alloc(8 * MiB, 5));
    expect((await readFile(join(mountDir, 'data.bin'))).equals(Buffer.alloc(8 * MiB, 5))).toBe(true);
  });

  it('refuses more stripes than PVs and creates nothing', async () => {
    const before = (await lvm.readState()).lvs.filter((l) => l.vgName === vgName).map((l) => l.name);
    const attempt = lvm.createLv({ vgName, name: 'three-way', sizeBytes: 64 * MiB, stripes: 3 });
    await expect(attempt).rejects.toBeInstanceOf(LvmError);
    await expect(attempt).rejects.toThrow(/stripes|physical volumes|allocatable/i);
    expect((await lvm.readState()).lvs.filter((l) => l.vgName === vgName).map((l) => l.name)).toEqual(before);
  });
});
