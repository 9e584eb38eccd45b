import { describe, expect, it } from 'vitest';
import { classCapacityOf, type CapacityClass } from './class-capacity.js';
import { nlsToNodeOffer, type NlsOfferShape, type NodeOffer } from './node-offer.js';
import type { OpenLocalPv } from './open-local-pv.js';

const GiB = 2 ** 30;

function nls(mutate: (n: NlsOfferShape) => void = () => undefined): NlsOfferShape {
  const n: NlsOfferShape = {
    metadata: { name: 'n1' },
    status: {
      nodeStorageInfo: {
        volumeGroups: [
          { name: 'pool-0', allocatable: 10 * GiB },
          { name: 'pool-1', allocatable: '4Gi' },
          { name: 'not-ours', allocatable: 50 * GiB },
        ],
        deviceInfo: [
          { name: '/dev/vdc', total: 100 * GiB, mediaType: 'hdd' },
          { name: '/dev/vdd', total: 200 * GiB, mediaType: 'ssd' },
          { name: '/dev/vde', total: 300 * GiB, mediaType: 'hdd' },
        ],
        mountPoints: [
          { name: '/mnt/a', total: 20 * GiB, fsType: 'ext4', device: '/dev/vdf' },
          { name: '/mnt/b', total: 30 * GiB, fsType: 'tmpfs', device: '/dev/vdf' },
        ],
      },
      filteredStorageInfo: { volumeGroups: ['pool-0', 'pool-1'], devices: ['/dev/vdc', '/dev/vdd', '/dev/vde'], mountPoints: ['/mnt/a', '/mnt/b'] },
    },
  };
  mutate(n);
  return n;
}

function pv(fields: Partial<OpenLocalPv>): OpenLocalPv {
  return {
    name: 'pv',
    volumeHandle: 'pv',
    volumeType: 'LVM',
    node: 'n1',
    vgName: undefined,
    device: undefined,
    mountPoint: undefined,
    thinPool: undefined,
    capacityBytes: GiB,
    capacityText: '1Gi',
    claim: 'default/data',
    phase: 'Bound',
    isReadOnlySnapshot: false,
    ...fields,
  };
}

describe('nlsToNodeOffer', () => {
  it('offers only the filtered VGs with allocatable as capacity, and mount points carrying a known filesystem', () => {
    const { offer, problems } = nlsToNodeOffer(nls());
    expect(problems).toEqual([]);
    expect(offer.volumeGroups).toEqual([
      { name: 'pool-0', capacityBytes: 10 * GiB },
      { name: 'pool-1', capacityBytes: 4 * GiB },
    ]);
    expect(offer.devices.map((d) => d.name)).toEqual(['/dev/vdc', '/dev/vdd', '/dev/vde']);
    expect(offer.mountPoints).toEqual([{ name: '/mnt/a', capacityBytes: 20 * GiB, mediaType: undefined }]);
  });

  it('leaves out an unreadable allocatable and names the field and value', () => {
    const { offer, problems } = nlsToNodeOffer(nls((n) => (n.status!.nodeStorageInfo!.volumeGroups![1]!.allocatable = 'lots')));
    expect(offer.volumeGroups.map((vg) => vg.name)).toEqual(['pool-0']);
    expect(problems).toEqual(['status.nodeStorageInfo.volumeGroups[1].allocatable is not a byte count: "lots"']);
  });

  it('an NLS without status offers nothing', () => {
    expect(nlsToNodeOffer({ metadata: { name: 'n2' } }).offer).toEqual({ nodeName: 'n2', volumeGroups: [], devices: [], mountPoints: [] });
  });
});

describe('classCapacityOf', () => {
  const offer: NodeOffer = nlsToNodeOffer(nls()).offer;
  it.each<{ name: string; storageClass: CapacityClass; pvs: OpenLocalPv[]; want: { availableBytes: number; maximumVolumeBytes: number } }>([
    { name: 'an LVM class without vgName gets every offered VG, not the unfiltered one', storageClass: { volumeType: 'LVM' }, pvs: [], want: { availableBytes: 14 * GiB, maximumVolumeBytes: 10 * GiB } },
    {
      name: 'provisioned PVs are subtracted from their own VG (allocatable minus provisioned, not VG free space)',
      storageClass: { volumeType: 'LVM' },
      pvs: [pv({ vgName: 'pool-0', capacityBytes: 7 * GiB }), pv({ vgName: 'pool-1', capacityBytes: GiB })],
      want: { availableBytes: 6 * GiB, maximumVolumeBytes: 3 * GiB },
    },
    { name: 'a vgName class sees only its VG', storageClass: { volumeType: 'LVM', vgName: 'pool-1' }, pvs: [pv({ vgName: 'pool-0', capacityBytes: 7 * GiB })], want: { availableBytes: 4 * GiB, maximumVolumeBytes: 4 * GiB } },
    { name: 'a vgName the node does not offer has nothing', storageClass: { volumeType: 'LVM', vgName: 'not-ours' }, pvs: [], want: { availableBytes: 0, maximumVolumeBytes: 0 } },
    { name: 'PVs of other nodes do not count', storageClass: { volumeType: 'LVM', vgName: 'pool-0' }, pvs: [pv({ vgName: 'pool-0', node: 'n2', capacityBytes: 9 * GiB })], want: { availableBytes: 10 * GiB, maximumVolumeBytes: 10 * GiB } },
    { name: 'a PV without volumeType is LVM', storageClass: { volumeType: 'LVM', vgName: 'pool-0' }, pvs: [pv({ vgName: 'pool-0', volumeType: '', capacityBytes: 2 * GiB })], want: { availableBytes: 8 * GiB, maximumVolumeBytes: 8 * GiB } },
    { name: 'a read-only snapshot claim charges nothing', storageClass: { volumeType: 'LVM', vgName: 'pool-0' }, pvs: [pv({ vgName: 'pool-0', isReadOnlySnapshot: true, capacityBytes: 5 * GiB })], want: { availableBytes: 10 * GiB, maximumVolumeBytes: 10 * GiB } },
    { name: 'an over-full VG counts as empty, never negative', storageClass: { volumeType: 'LVM' }, pvs: [pv({ vgName: 'pool-1', capacityBytes: 6 * GiB })], want: { availableBytes: 10 * GiB, maximumVolumeBytes: 10 * GiB } },
    { name: 'a PV of unreadable size charges nothing (it is reported elsewhere)', storageClass: { volumeType: 'LVM', vgName: 'pool-0' }, pvs: [pv({ vgName: 'pool-0', capacityBytes: undefined })], want: { availableBytes: 10 * GiB, maximumVolumeBytes: 10 * GiB } },
    { name: 'Device hdd: the free hdd disks whole', storageClass: { volumeType: 'Device', mediaType: 'hdd' }, pvs: [], want: { availableBytes: 400 * GiB, maximumVolumeBytes: 300 * GiB } },
    { name: 'Device hdd: a disk with a PV is taken', storageClass: { volumeType: 'Device', mediaType: 'hdd' }, pvs: [pv({ volumeType: 'Device', device: '/dev/vde' })], want: { availableBytes: 100 * GiB, maximumVolumeBytes: 100 * GiB } },
    { name: 'Device ssd: only ssd disks', storageClass: { volumeType: 'Device', mediaType: 'ssd' }, pvs: [], want: { availableBytes: 200 * GiB, maximumVolumeBytes: 200 * GiB } },
    { name: 'MountPoint of unknown media type matches no class (as the extender)', storageClass: { volumeType: 'MountPoint', mediaType: 'hdd' }, pvs: [], want: { availableBytes: 0, maximumVolumeBytes: 0 } },
  ])('$name', ({ storageClass, pvs, want }) => {
    expect(classCapacityOf({ offer, pvs, storageClass })).toEqual(want);
  });

  it('a mount point of the class media type is free until a PV holds it', () => {
    const withMedia = nlsToNodeOffer(nls((n) => n.status!.nodeStorageInfo!.deviceInfo!.push({ name: '/dev/vdf', total: 50 * GiB, mediaType: 'hdd' }))).offer;
    const storageClass: CapacityClass = { volumeType: 'MountPoint', mediaType: 'hdd' };
    expect(classCapacityOf({ offer: withMedia, pvs: [], storageClass })).toEqual({ availableBytes: 20 * GiB, maximumVolumeBytes: 20 * GiB });
    expect(classCapacityOf({ offer: withMedia, pvs: [pv({ volumeType: 'MountPoint', mountPoint: '/mnt/a' })], storageClass })).toEqual({ availableBytes: 0, maximumVolumeBytes: 0 });
  });
});
