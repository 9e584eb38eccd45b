// The "reboot" path (DESIGN.md flow 4) on a kernel with device-mapper: volumes mounted and written, then
// everything unmounted and the VG deactivated (what a power cycle leaves: LVM metadata on disk, no dm devices,
// nothing cached), then activation and re-mount must show every byte intact.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, Lvm, makeFilesystem, mount, unmount, type FilesystemType } from '@openlocal/lvm';
import { claimDisk, createTimingExecutor, guestSkipReason, removeVgAndWipe, saveOpTimes, sh, type OpTime } from './support/guest.js';

const MiB = 1024 * 1024;
const skipReason = await guestSkipReason();
if (skipReason) process.stdout.write(`SKIP lvm:guest reboot: ${skipReason}\n`);

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(skipReason !== null)('volumes survive a simulated power cycle', () => {
  const vgName = 'olreboot';
  const times: OpTime[] = [];
  const executor = createTimingExecutor(createLocalExecutor(), times);
  const lvm = new Lvm({ executor });
  const mounted = new Set<string>();
  let disk = '';
  let mountRoot = '';

  beforeAll(async () => {
    disk = await claimDisk();
    mountRoot = await mkdtemp(join(tmpdir(), 'reboot-'));
    await lvm.createVg({ name: vgName, devices: [disk], tags: ['openlocal'] });
  });

  afterAll(async () => {
    for (const target of mounted) await unmount(executor, target).catch(() => undefined);
    await removeVgAndWipe(vgName, disk);
    await rm(mountRoot, { recursive: true, force: true });
    await saveOpTimes('reboot', times);
  });

  const volumes: { name: string; fsType: FilesystemType; target: string }[] = [
    { name: 'pv-ext4', fsType: 'ext4', target: '' },
    { name: 'pv-xfs', fsType: 'xfs', target: '' },
    { name: 'pv-thin', fsType: 'ext4', target: '' },
  ];

  async function mountAll(): Promise<void> {
    for (const v of volumes) {
      v.target = join(mountRoot, v.name);
      await mkdir(v.target, { recursive: true });
      await mount(executor, { source: `/dev/${vgName}/${v.name}`, target: v.target, fsType: v.fsType });
      mounted.add(v.target);
    }
  }

  async function unmountAll(): Promise<void> {
    for (const v of volumes) {
      await unmount(executor, v.target);
      mounted.delete(v.target);
    }
  }

  it('keeps every file of ext4, xfs and thin volumes across unmount, VG deactivation and re-activation', async () => {
    let stepStart = performance.now();
    const step = (name: string): void => {
      process.stdout.write(`reboot step ${name}: ${((performance.now() - stepStart) / 1000).toFixed(1)} s\n`);
      stepStart = performance.now();
    };
    await lvm.createLv({ vgName, name: 'pv-ext4', sizeBytes: 96 * MiB });
    await lvm.createLv({ vgName, name: 'pv-xfs', sizeBytes: 320 * MiB });
    await lvm.createThinPool({ vgName, name: 'pool', sizeBytes: 128 * MiB });
    await lvm.createThinLv({ vgName, poolName: 'pool', name: 'pv-thin', virtualSizeBytes: 512 * MiB });
    for (const v of volumes) await makeFilesystem(executor, { device: `/dev/${vgName}/${v.name}`, fsType: v.fsType });
    await mountAll();
    step('create, format and mount');

    const written = new Map<string, string>();
    for (const v of volumes) {
      const data = randomBytes(2 * MiB);
      await writeFile(join(v.target, 'payload.bin'), data);
      written.set(v.name, sha256(data));
    }

    step('write');
    // Power off: nothing mounted, no dm device of ours left. Nothing of the data stays cached either: unmount
    // frees the filesystems' page cache and removing a dm device frees its block device's.
    await unmountAll();
    await lvm.deactivateVg(vgName);
    const off = (await lvm.readState()).lvs.filter((lv) => lv.vgName === vgName);
    expect(off.map((lv) => lv.name).sort()).toEqual(['pool', 'pv-ext4', 'pv-thin', 'pv-xfs']);
    expect(off.every((lv) => !lv.isActive)).toBe(true);
    expect((await sh(['dmsetup', 'ls'])).includes(`${vgName}-`)).toBe(false);
    for (const v of volumes) expect(existsSync(`/dev/${vgName}/${v.name}`)).toBe(false);
    step('unmount and deactivate');

    // Power on: what the agent does at start, then kubelet's stage again.
    await lvm.activateVg(vgName);
    const on = (await lvm.readState()).lvs.filter((lv) => lv.vgName === vgName && lv.name.startsWith('pv-'));
    expect(on.every((lv) => lv.isActive)).toBe(true);
    step('activate');
    await mountAll();
    for (const v of volumes) {
      expect(sha256(await readFile(join(v.target, 'payload.bin'))), `${v.name} after the power cycle`).toBe(written.get(v.name));
    }
    step('mount and verify');
    await unmountAll();
  });
});
