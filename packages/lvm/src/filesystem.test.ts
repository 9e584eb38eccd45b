import { describe, expect, it } from 'vitest';
import { loadFixture, recordingsOf } from '../test/support/fixtures.js';
import { makeFilesystem, probeFilesystem } from './filesystem.js';
import { createReplayExecutor } from './testing.js';

const probes = recordingsOf(loadFixture('blkid'), 'blkid');
const [blank, ext4, pv] = probes.map((r) => r.argv.at(-1)!);

describe('probeFilesystem on real blkid output', () => {
  it.each([
    { name: 'a blank device is null', device: blank!, want: null },
    { name: 'an ext4 device is ext4', device: ext4!, want: 'ext4' },
    { name: 'a PV is LVM2_member', device: pv!, want: 'LVM2_member' },
  ])('$name', async ({ device, want }) => {
    const executor = createReplayExecutor(probes);
    expect(await probeFilesystem(executor, device)).toEqual({ fsType: want });
  });
});

describe('makeFilesystem', () => {
  it('refuses a device that already holds a filesystem and never runs mkfs', async () => {
    const executor = createReplayExecutor(probes);
    await expect(makeFilesystem(executor, { device: ext4!, fsType: 'xfs' })).rejects.toMatchObject({ code: 'DEVICE_HAS_FILESYSTEM' });
    expect(executor.calls.map((argv) => argv[0])).toEqual(['blkid']);
  });

  it('refuses a PV of a volume group', async () => {
    const executor = createReplayExecutor(probes);
    await expect(makeFilesystem(executor, { device: pv!, fsType: 'ext4' })).rejects.toMatchObject({ code: 'DEVICE_HAS_FILESYSTEM' });
  });

  it('refuses an unknown filesystem type before probing', async () => {
    const executor = createReplayExecutor([]);
    await expect(makeFilesystem(executor, { device: '/dev/sdb', fsType: 'btrfs' as 'xfs' })).rejects.toThrow(/invalid fsType "btrfs"/);
    expect(executor.calls).toEqual([]);
  });
});
