// @openlocal/lvm on a kernel with device-mapper (inside the QEMU guest): activated LVs and their device nodes,
// ext4/xfs on them, classic and thin snapshots, online growth, activation changes, and refusals that change nothing.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createLocalExecutor,
  growFilesystem,
  Lvm,
  makeFilesystem,
  mount,
  readMountInfo,
  statFilesystem,
  unmount,
  type FilesystemType,
  type LogicalVolume,
} from '@openlocal/lvm';
import { blockDeviceBytes, claimDisk, createTimingExecutor, guestSkipReason, removeVgAndWipe, saveOpTimes, type OpTime } from './support/guest.js';

const MiB = 1024 * 1024;
const skipReason = await guestSkipReason();
if (skipReason) process.stdout.write(`SKIP lvm:guest volumes: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('@openlocal/lvm with device-mapper', () => {
  const vgName = 'olvolumes';
  const times: OpTime[] = [];
  const executor = createTimingExecutor(createLocalExecutor(), times);
  const lvm = new Lvm({ executor });
  const mounted: string[] = [];
  let disk = '';
  let mountRoot = '';

  beforeAll(async () => {
    disk = await claimDisk();
    mountRoot = await mkdtemp(join(tmpdir(), 'volumes-'));
    await lvm.createVg({ name: vgName, devices: [disk] });
  });

  afterAll(async () => {
    for (const target of mounted.reverse()) await unmount(executor, target).catch(() => undefined);
    await removeVgAndWipe(vgName, disk);
    await rm(mountRoot, { recursive: true, force: true });
    await saveOpTimes('volumes', times);
  });

  /** Mounts a device at a fresh directory named `name`; unmounted in afterAll if the test does not. */
  async function mountAt(name: string, request: { device: string; fsType: FilesystemType; options?: string[] }): Promise<string> {
    const target = join(mountRoot, name);
    await mkdir(target, { recursive: true });
    await mount(executor, { source: request.device, target, fsType: request.fsType, options: request.options ?? [] });
    mounted.push(target);
    return target;
  }

  async function formatAndMount(lv: LogicalVolume, fsType: FilesystemType): Promise<string> {
    await makeFilesystem(executor, { device: lv.devicePath, fsType });
    return mountAt(lv.name, { device: lv.devicePath, fsType });
  }

  it('creates an active LV whose device node the kernel sizes as lvm reports', async () => {
    expect(await lvm.hasDeviceMapper()).toBe(true);
    const lv = await lvm.createLv({ vgName, name: 'linear', sizeBytes: 100 * MiB, tags: ['openlocal'] });
    expect(lv).toMatchObject({ vgName, name: 'linear', sizeBytes: 100 * MiB, isActive: true, devicePath: `/dev/${vgName}/linear`, tags: ['openlocal'] });
    expect((await stat(lv.devicePath)).isBlockDevice()).toBe(true);
    expect((await stat(`/dev/mapper/${vgName}-linear`)).isBlockDevice()).toBe(true);
    expect(await blockDeviceBytes(lv.devicePath)).toBe(100 * MiB);
  });

  it.each([
    { name: 'ext4 on an LV mounts and statfs shows about the LV size', fsType: 'ext4' as const, sizeBytes: 128 * MiB, minShare: 0.85 },
    // statfs leaves out xfs's internal log, 64 MiB on a filesystem this small.
    { name: 'xfs on an LV mounts and statfs shows about the LV size', fsType: 'xfs' as const, sizeBytes: 320 * MiB, minShare: 0.75 },
  ])('$name', async ({ fsType, sizeBytes, minShare }) => {
    const lv = await lvm.createLv({ vgName, name: `fs-${fsType}`, sizeBytes });
    const target = await formatAndMount(lv, fsType);
    const entry = (await readMountInfo()).find((e) => e.mountPoint === target);
    expect(entry?.fsType).toBe(fsType);
    await writeFile(join(target, 'file.txt'), fsType);
    const stats = await statFilesystem(target);
    expect(stats.totalBytes).toBeGreaterThan(sizeBytes * minShare);
    expect(stats.totalBytes).toBeLessThanOrEqual(sizeBytes);
    expect(await readFile(join(target, 'file.txt'), 'utf8')).toBe(fsType);
  });

  it('a classic snapshot keeps the old content after the origin changes', async () => {
    const origin = await lvm.createLv({ vgName, name: 'snap-origin', sizeBytes: 64 * MiB });
    const originDir = await formatAndMount(origin, 'ext4');
    await writeFile(join(originDir, 'state.txt'), 'before snapshot');

    const snapshot = await lvm.createSnapshot({ vgName, originName: origin.name, name: 'snap-copy', sizeBytes: 32 * MiB });
    expect(snapshot).toMatchObject({ isSnapshot: true, origin: origin.name, isActive: true });
    await writeFile(join(originDir, 'state.txt'), 'after snapshot');
    await writeFile(join(originDir, 'new.bin'), Buffer.alloc(4 * MiB, 7));

    const snapDir = await mountAt('snap-copy', { device: snapshot.devicePath, fsType: 'ext4', options: ['ro'] });
    expect(await readFile(join(snapDir, 'state.txt'), 'utf8')).toBe('before snapshot');
    expect(existsSync(join(snapDir, 'new.bin'))).toBe(false);
    expect(await readFile(join(originDir, 'state.txt'), 'utf8')).toBe('after snapshot');
    // The copy-on-write space filled as the origin changed.
    await executor.run(['sync']);
    expect((await lvm.readLv({ vgName, name: snapshot.name })).snapPercent).toBeGreaterThan(0);
  });

  it('a thin pool holds a thin LV bigger than itself and a thin snapshot that keeps the old content', async () => {
    const pool = await lvm.createThinPool({ vgName, name: 'pool', sizeBytes: 256 * MiB });
    expect(pool).toMatchObject({ isThinPool: true, sizeBytes: 256 * MiB });
    const thin = await lvm.createThinLv({ vgName, poolName: 'pool', name: 'thin', virtualSizeBytes: 1024 * MiB });
    expect(thin).toMatchObject({ isThin: true, poolLv: 'pool', isActive: true, sizeBytes: 1024 * MiB });
    expect(await blockDeviceBytes(thin.devicePath)).toBe(1024 * MiB);

    const thinDir = await formatAndMount(thin, 'ext4');
    await writeFile(join(thinDir, 'state.txt'), 'thin before');
    const snap = await lvm.createThinSnapshot({ vgName, originName: 'thin', name: 'thin-snap' });
    expect(snap).toMatchObject({ isThin: true, origin: 'thin', poolLv: 'pool', isActive: true });
    await writeFile(join(thinDir, 'state.txt'), 'thin after');

    const snapDir = await mountAt('thin-snap', { device: snap.devicePath, fsType: 'ext4', options: ['ro'] });
    expect(await readFile(join(snapDir, 'state.txt'), 'utf8')).toBe('thin before');
    expect(await readFile(join(thinDir, 'state.txt'), 'utf8')).toBe('thin after');
    expect((await lvm.readLv({ vgName, name: 'pool' })).dataPercent).toBeGreaterThan(0);
  });

  it.each([
    { name: 'lvextend then online resize2fs: statfs shows the new size', fsType: 'ext4' as const, fromBytes: 64 * MiB, toBytes: 160 * MiB },
    { name: 'lvextend then online xfs_growfs: statfs shows the new size', fsType: 'xfs' as const, fromBytes: 320 * MiB, toBytes: 480 * MiB },
  ])('$name', async ({ fsType, fromBytes, toBytes }) => {
    const lv = await lvm.createLv({ vgName, name: `grow-${fsType}`, sizeBytes: fromBytes });
    const target = await formatAndMount(lv, fsType);
    await writeFile(join(target, 'kept.txt'), 'survives growth');
    const before = await statFilesystem(target);

    const grown = await lvm.extendLv({ vgName, name: lv.name, sizeBytes: toBytes });
    expect(grown.sizeBytes).toBe(toBytes);
    expect(await blockDeviceBytes(lv.devicePath)).toBe(toBytes);
    expect((await statFilesystem(target)).totalBytes).toBe(before.totalBytes); // not grown until asked

    await growFilesystem(executor, { device: lv.devicePath, mountPath: target, fsType });
    const after = await statFilesystem(target);
    expect(after.totalBytes - before.totalBytes).toBeGreaterThan((toBytes - fromBytes) * 0.9);
    expect(after.totalBytes).toBeLessThanOrEqual(toBytes);
    expect(await readFile(join(target, 'kept.txt'), 'utf8')).toBe('survives growth');
  });

  it('deactivating an LV removes its device node and activating brings it back with the data', async () => {
    const lv = await lvm.createLv({ vgName, name: 'toggle', sizeBytes: 32 * MiB });
    await executor.run(['dd', 'if=/dev/urandom', `of=${lv.devicePath}`, 'bs=1M', 'count=1', 'oflag=direct', 'status=none']);
    await executor.run(['dd', `if=${lv.devicePath}`, 'of=/tmp/toggle-head', 'bs=1M', 'count=1', 'status=none']);
    const head = await readFile('/tmp/toggle-head');

    await lvm.setLvActive({ vgName, name: lv.name, isActive: false });
    expect((await lvm.readLv({ vgName, name: lv.name })).isActive).toBe(false);
    expect(existsSync(`/dev/mapper/${vgName}-toggle`)).toBe(false);
    expect(existsSync(lv.devicePath)).toBe(false);

    await lvm.setLvActive({ vgName, name: lv.name, isActive: true });
    expect((await lvm.readLv({ vgName, name: lv.name })).isActive).toBe(true);
    expect((await stat(lv.devicePath)).isBlockDevice()).toBe(true);
    await executor.run(['dd', `if=${lv.devicePath}`, 'of=/tmp/toggle-head2', 'bs=1M', 'count=1', 'status=none']);
    expect((await readFile('/tmp/toggle-head2')).equals(head)).toBe(true);
  });

  it('refuses to extend past the free space and leaves the LV and the VG as they were', async () => {
    const lv = await lvm.createLv({ vgName, name: 'too-big', sizeBytes: 16 * MiB });
    const before = await lvm.readState();
    const vgBefore = before.vgs.find((v) => v.name === vgName)!;
    await expect(lvm.extendLv({ vgName, name: lv.name, sizeBytes: vgBefore.sizeBytes * 2 })).rejects.toMatchObject({ code: 'INSUFFICIENT_SPACE' });
    expect((await lvm.readLv({ vgName, name: lv.name })).sizeBytes).toBe(16 * MiB);
    expect(await blockDeviceBytes(lv.devicePath)).toBe(16 * MiB);
    expect((await lvm.readState()).vgs.find((v) => v.name === vgName)?.freeBytes).toBe(vgBefore.freeBytes);
  });

  it('a snapshot of a missing origin is LV_NOT_FOUND and creates nothing', async () => {
    const lvsBefore = (await lvm.readState()).lvs.filter((l) => l.vgName === vgName).map((l) => l.name).sort();
    await expect(lvm.createSnapshot({ vgName, originName: 'no-such-lv', name: 'orphan-snap', sizeBytes: 8 * MiB })).rejects.toMatchObject({
      code: 'LV_NOT_FOUND',
    });
    expect((await lvm.readState()).lvs.filter((l) => l.vgName === vgName).map((l) => l.name).sort()).toEqual(lvsBefore);
  });
});
