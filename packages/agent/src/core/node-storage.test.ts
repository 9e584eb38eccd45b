import { parseStorageReserved } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { buildNodeStorageInfo, type Discovery } from './node-storage.js';
import { disk, GiB, lv, pv, state, vg } from './test-data.js';

const rule = { lvNamePrefix: 'local' };
const none = parseStorageReserved(undefined);
const mp = { path: '/mnt/open-local/d1', device: '/dev/loop9', fsType: 'ext4', options: ['rw', 'relatime'], totalBytes: 10 * GiB, availableBytes: 9 * GiB };

function discovery(parts: Partial<Discovery>): Discovery {
  return { lvm: state({}), devices: [], mountPoints: [], ...parts };
}

describe('buildNodeStorageInfo', () => {
  it('reports a VG with its PVs, LVs and numbers, ready when space is left', () => {
    const info = buildNodeStorageInfo(discovery({
      lvm: state({ vgs: [vg('pool', 100 * GiB, 60 * GiB)], pvs: [pv('/dev/loop2', 'pool'), pv('/dev/loop1', 'pool'), pv('/dev/loop3', '')], lvs: [lv('pool/local-1', 10 * GiB), lv('pool/user', 30 * GiB)] }),
    }), rule, none);
    expect(info.volumeGroups).toEqual([{
      name: 'pool', physicalVolumes: ['/dev/loop1', '/dev/loop2'], total: 100 * GiB, available: 60 * GiB, allocatable: 70 * GiB, condition: 'DiskReady',
      logicalVolumes: [
        { name: 'local-1', vgname: 'pool', total: 10 * GiB, readOnly: false, condition: 'DiskReady' },
        { name: 'user', vgname: 'pool', total: 30 * GiB, readOnly: false, condition: 'DiskReady' },
      ],
    }]);
    expect(info.state).toMatchObject({ type: 'DiskReady', status: 'True' });
    expect(info.phase).toBe('Running');
  });

  it('reports each thin pool with its size, the virtual size handed out (snapshots too) and its data and metadata use (#17)', () => {
    const info = buildNodeStorageInfo(discovery({
      lvm: state({
        vgs: [vg('pool', 100 * GiB, 40 * GiB)],
        lvs: [
          lv('pool/thin0', 50 * GiB, { isThinPool: true, dataPercent: 12.5, metadataPercent: 3.25 }),
          lv('pool/thin1', 10 * GiB, { isThinPool: true }),
          lv('pool/local-a', 80 * GiB, { isThin: true, poolLv: 'thin0' }),
          lv('pool/snap-a', 80 * GiB, { isThin: true, poolLv: 'thin0' }),
          lv('pool/local-b', 5 * GiB, { isThin: true, poolLv: 'thin1' }),
          lv('pool/local-thick', 10 * GiB),
        ],
      }),
    }), rule, none);
    expect(info.volumeGroups?.[0]?.thinPools).toEqual([
      { name: 'thin0', total: 50 * GiB, virtualUsed: 160 * GiB, dataPercent: 12.5, metadataPercent: 3.25 },
      { name: 'thin1', total: 10 * GiB, virtualUsed: 5 * GiB },
    ]);
  });

  it('reports no thinPools field for a VG without thin pools (Open-Local\'s shape unchanged)', () => {
    const info = buildNodeStorageInfo(discovery({ lvm: state({ vgs: [vg('pool', 100 * GiB, 100 * GiB)] }) }), rule, none);
    expect(info.volumeGroups?.[0]).not.toHaveProperty('thinPools');
  });

  it.each([
    { name: 'DiskFull when the VG has no free extents', group: vg('pool', 100 * GiB, 0), lvs: [], want: 'DiskFull' },
    { name: 'DiskFull when our LVs used up what the reserve leaves, though extents are free', group: vg('pool', 100 * GiB, 20 * GiB), lvs: [lv('pool/local-1', 80 * GiB)], reserve: parseStorageReserved('{"pool":"20%"}'), want: 'DiskFull' },
    { name: 'DiskFault when PVs are missing (partial VG)', group: { ...vg('pool', 100 * GiB, 50 * GiB), attr: 'wz-pn-' }, lvs: [], want: 'DiskFault' },
    { name: 'DiskReady otherwise', group: vg('pool', 100 * GiB, 1), lvs: [], want: 'DiskReady' },
  ])('$name', ({ group, lvs, want, reserve }) => {
    const info = buildNodeStorageInfo(discovery({ lvm: state({ vgs: [group], lvs }) }), rule, reserve ?? none);
    expect(info.volumeGroups?.[0]?.condition).toBe(want);
  });

  it.each([
    { name: 'a writable disk is DiskReady', device: disk('/dev/vdb', 10 * GiB), want: 'DiskReady', stateType: 'DiskReady' },
    { name: 'a read-only disk is DiskFault and faults the node state', device: disk('/dev/vdb', 10 * GiB, { isReadOnly: true }), want: 'DiskFault', stateType: 'DiskFault' },
    { name: 'a disk of size 0 (gone or failing) is DiskFault', device: disk('/dev/vdb', 0), want: 'DiskFault', stateType: 'DiskFault' },
  ])('$name', ({ device, want, stateType }) => {
    const info = buildNodeStorageInfo(discovery({ devices: [device] }), rule, none);
    expect(info.deviceInfo?.[0]).toMatchObject({ name: '/dev/vdb', condition: want, total: device.sizeBytes, mediaType: 'ssd' });
    expect(info.state?.type).toBe(stateType);
  });

  it.each([
    { name: 'a mount point with space is DiskReady', point: mp, want: 'DiskReady' },
    { name: 'a full mount point is DiskFull', point: { ...mp, availableBytes: 0 }, want: 'DiskFull' },
    { name: 'a read-only mount point is DiskFault', point: { ...mp, options: ['ro'] }, want: 'DiskFault' },
  ])('$name', ({ point, want }) => {
    const info = buildNodeStorageInfo(discovery({ mountPoints: [point] }), rule, none);
    expect(info.mountPoints?.[0]).toMatchObject({ name: point.path, condition: want, isBind: false, device: '/dev/loop9', fsType: 'ext4' });
  });
});
