import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBlockDevices } from './block-devices.js';

// A sysfs tree laid out as the kernel does (block/<disk>/{size,ro,dev,queue/rotational,<part>/{partition,...}}).
let root: string;

async function disk(name: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(join(root, 'block', name, path, '..'), { recursive: true });
    await writeFile(join(root, 'block', name, path), `${content}\n`);
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sysfs-'));
  await disk('sda', { size: '2097152', ro: '0', dev: '8:0', 'queue/rotational': '1', 'sda1/partition': '1', 'sda1/size': '1024', 'sda1/ro': '0', 'sda1/dev': '8:1' });
  await disk('vdb', { size: '4096', ro: '1', dev: '254:16', 'queue/rotational': '0' });
  await disk('nvme0n1', { size: '8', ro: '0', dev: '259:0', 'queue/rotational': '0' });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('listBlockDevices', () => {
  it('lists matching disks with partitions first, sizes from 512-byte sectors', async () => {
    const devices = await listBlockDevices({ sysfsRoot: root, nameRegexp: /^(s|v|xv)d[a-z]+$/ });
    expect(devices.map((d) => d.path)).toEqual(['/dev/sda1', '/dev/sda', '/dev/vdb']);
    expect(devices[1]).toMatchObject({ sizeBytes: 1024 * 1024 * 1024, mediaType: 'hdd', isRotational: true, majMin: '8:0', isPartition: false });
  });

  it('partitions inherit the disk media type and name their parent', async () => {
    const [part] = await listBlockDevices({ sysfsRoot: root, nameRegexp: /^sda$/ });
    expect(part).toMatchObject({ path: '/dev/sda1', sizeBytes: 512 * 1024, mediaType: 'hdd', isPartition: true, parent: 'sda', majMin: '8:1' });
  });

  it('reads the read-only flag and ssd media type', async () => {
    const [vdb] = await listBlockDevices({ sysfsRoot: root, nameRegexp: /^vdb$/ });
    expect(vdb).toMatchObject({ isReadOnly: true, mediaType: 'ssd' });
  });

  it('a missing sysfs root is an error, not an empty list', async () => {
    await expect(listBlockDevices({ sysfsRoot: join(root, 'nope') })).rejects.toThrow(/ENOENT/);
  });
});
