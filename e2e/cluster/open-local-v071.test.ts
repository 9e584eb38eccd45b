// The NLS VG row Open-Local's agent writes, from lvm's numbers (reference §1.8, §2.3).
import { describe, expect, it } from 'vitest';
import { openLocalVgStatus } from './open-local-v071.js';

const MiB = 2 ** 20;

describe('openLocalVgStatus', () => {
  it.each([
    { name: 'Open-Local\'s own LVs (local*, csi-*) stay allocatable', lvs: [{ name: 'local-a', sizeBytes: 64 * MiB }, { name: 'csi-1', sizeBytes: 8 * MiB }], allocatable: 124 * MiB },
    { name: 'a foreign LV is taken off the allocatable bytes', lvs: [{ name: 'local-a', sizeBytes: 64 * MiB }, { name: 'home', sizeBytes: 20 * MiB }], allocatable: 104 * MiB },
    { name: 'an empty VG is all allocatable', lvs: [], allocatable: 124 * MiB },
  ])('$name', ({ lvs, allocatable }) => {
    const row = openLocalVgStatus({ name: 'open-local-pool-1', sizeBytes: 124 * MiB, freeBytes: 40 * MiB, physicalVolumes: ['/dev/vdc'], lvs });
    expect(row).toEqual({
      name: 'open-local-pool-1', physicalVolumes: ['/dev/vdc'], total: 124 * MiB, available: 40 * MiB, allocatable, condition: 'DiskReady',
      logicalVolumes: lvs.map((lv) => ({ name: lv.name, vgname: 'open-local-pool-1', total: lv.sizeBytes, condition: 'DiskReady' })),
    });
  });
});
