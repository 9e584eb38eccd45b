import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDeviceIdentity } from './device-identity.js';

let root = '';
async function sysfs(files: Record<string, string>): Promise<string> {
  root = await mkdtemp(join(tmpdir(), 'identity-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  return root;
}
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('readDeviceIdentity', () => {
  it.each<{ name: string; files: Record<string, string>; device: string; want: string | null }>([
    { name: 'a SCSI disk by its WWID before its serial', files: { 'class/block/sdb/device/wwid': 'naa.5000c500a1b2c3d4\n', 'class/block/sdb/device/serial': 'S1\n' }, device: '/dev/sdb', want: 'wwid:naa.5000c500a1b2c3d4' },
    { name: 'a virtio disk by its serial', files: { 'class/block/vdb/serial': 'disk-b\n' }, device: '/dev/vdb', want: 'serial:disk-b' },
    { name: 'a loop device by its backing file', files: { 'class/block/loop3/loop/backing_file': '/var/tmp/a.img\n' }, device: '/dev/loop3', want: 'loop:/var/tmp/a.img' },
    { name: 'nothing stable: null', files: { 'class/block/vdc/size': '100\n' }, device: '/dev/vdc', want: null },
    { name: 'an empty serial does not count', files: { 'class/block/vdd/serial': '\n' }, device: '/dev/vdd', want: null },
  ])('$name', async ({ files, device, want }) => {
    expect(await readDeviceIdentity({ sysfsRoot: await sysfs(files), devicePath: device })).toBe(want);
  });
});
