import { describe, expect, it } from 'vitest';
import { GI, nls } from '../test-support/builders.js';
import type { NlsShape } from './k8s-shapes.js';
import { nlsToNodeStorage } from './node-storage.js';

describe('nlsToNodeStorage', () => {
  it('offers filtered VGs with allocatable as capacity, devices and mount points with their media type', () => {
    const got = nlsToNodeStorage(
      nls('n1', {
        vgs: { pool: 100 },
        devices: [{ name: '/dev/vdc', gi: 200, mediaType: 'hdd' }],
        mountPoints: [{ name: '/mnt/a', gi: 50, device: '/dev/vdc' }],
      }),
    );
    expect(got.problems).toEqual([]);
    expect(got.storage).toEqual({
      nodeName: 'n1',
      volumeGroups: [{ name: 'pool', capacityBytes: 100 * GI }],
      devices: [{ name: '/dev/vdc', capacityBytes: 200 * GI, mediaType: 'hdd' }],
      mountPoints: [{ name: '/mnt/a', capacityBytes: 50 * GI, mediaType: 'hdd' }],
    });
  });

  it.each<{ name: string; mutate: (n: NlsShape) => void; wantVgs: number; wantDevices: number; wantMountPoints: number; wantProblem?: string }>([
    { name: 'a VG missing from filteredStorageInfo is not offered', mutate: (n) => (n.status!.filteredStorageInfo!.volumeGroups = []), wantVgs: 0, wantDevices: 1, wantMountPoints: 1 },
    {
      name: 'an unreadable allocatable is left out and reported',
      mutate: (n) => (n.status!.nodeStorageInfo!.volumeGroups![0]!.allocatable = 'lots'),
      wantVgs: 0,
      wantDevices: 1,
      wantMountPoints: 1,
      wantProblem: 'status.nodeStorageInfo.volumeGroups[0].allocatable is not a byte count: "lots"',
    },
    { name: 'a read-only device is not offered', mutate: (n) => (n.status!.nodeStorageInfo!.deviceInfo![0]!.readOnly = true), wantVgs: 1, wantDevices: 0, wantMountPoints: 1 },
    { name: 'a mount point without ext3/ext4/xfs is not offered', mutate: (n) => (n.status!.nodeStorageInfo!.mountPoints![0]!.fsType = 'tmpfs'), wantVgs: 1, wantDevices: 1, wantMountPoints: 0 },
    { name: 'an NLS without status offers nothing', mutate: (n) => delete n.status, wantVgs: 0, wantDevices: 0, wantMountPoints: 0 },
  ])('$name', ({ mutate, wantVgs, wantDevices, wantMountPoints, wantProblem }) => {
    const input = nls('n1', { vgs: { pool: 100 }, devices: [{ name: '/dev/vdc', gi: 1, mediaType: 'ssd' }], mountPoints: [{ name: '/mnt/a', gi: 1, device: 'x' }] });
    mutate(input);
    const got = nlsToNodeStorage(input);
    expect([got.storage.volumeGroups.length, got.storage.devices.length, got.storage.mountPoints.length]).toEqual([wantVgs, wantDevices, wantMountPoints]);
    if (wantProblem !== undefined) expect(got.problems).toEqual([wantProblem]);
  });
});
