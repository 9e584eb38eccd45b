// Smoke test of the guest itself, with plain lvm commands (no @openlocal/lvm): an activated LV gets a device
// node, takes a filesystem, mounts, and keeps what was written. If this fails, the guest is broken, not our code.
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimDisk, guestSkipReason, removeVgAndWipe, sh } from './support/guest.js';

const skipReason = await guestSkipReason();
if (skipReason) process.stdout.write(`SKIP lvm:guest smoke: ${skipReason}\n`);

describe.skipIf(skipReason !== null)('the guest has working LVM on device-mapper', () => {
  const vg = 'olsmoke';
  let disk = '';
  let mountDir = '';

  beforeAll(async () => {
    disk = await claimDisk();
    mountDir = await mkdtemp(join(tmpdir(), 'smoke-'));
  });

  afterAll(async () => {
    await sh(['umount', mountDir]).catch(() => undefined);
    await removeVgAndWipe(vg, disk);
    await rm(mountDir, { recursive: true, force: true });
  });

  it('creates an active LV with a block device node, formats, mounts, writes and reads it back', async () => {
    await sh(['lvm', 'pvcreate', disk]);
    await sh(['lvm', 'vgcreate', vg, disk]);
    await sh(['lvm', 'lvcreate', '--yes', '--name', 'data', '--size', '64m', vg]);

    const attr = (await sh(['lvm', 'lvs', '--noheadings', '-o', 'lv_attr', `${vg}/data`])).trim();
    expect(attr[4]).toBe('a'); // the fifth attr character is the activation state
    expect((await stat(`/dev/mapper/${vg}-data`)).isBlockDevice()).toBe(true);

    await sh(['mkfs.ext4', '-q', `/dev/${vg}/data`]);
    await sh(['mount', `/dev/${vg}/data`, mountDir]);
    await writeFile(join(mountDir, 'hello.txt'), 'from the guest');
    await sh(['umount', mountDir]);
    await sh(['mount', '-o', 'ro', `/dev/${vg}/data`, mountDir]);
    expect(await readFile(join(mountDir, 'hello.txt'), 'utf8')).toBe('from the guest');
    expect((await sh(['findmnt', '-n', '-o', 'FSTYPE', mountDir])).trim()).toBe('ext4');
  });
});
