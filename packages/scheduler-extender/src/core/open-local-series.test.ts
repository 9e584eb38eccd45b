import { describe, expect, it } from 'vitest';
import type { InlineRecord, PvRecord } from './metric-objects.js';
import { openLocalSeries, type SeriesInput } from './open-local-series.js';
import type { Allocation, NodeView } from './types.js';

const GiB = 2 ** 30;
const nodeA: NodeView = {
  nodeName: 'node-a',
  volumeGroups: [{ name: 'pool', capacityBytes: 100 * GiB, usedBytes: 30 * GiB }],
  devices: [{ name: '/dev/vdc', capacityBytes: 50 * GiB, mediaType: 'ssd', isTaken: true }],
  mountPoints: [{ name: '/mnt/open-local/disk1', capacityBytes: 20 * GiB, mediaType: 'hdd', isTaken: false }],
};
const pv: PvRecord = { pvName: 'local-1', nodeName: 'node-a', pvType: 'LVM', storageName: 'pool', pvcName: 'data', pvcNamespace: 'app', status: 'Bound', sizeBytes: 10 * GiB };
const inline: InlineRecord = { podUid: 'u1', podName: 'web-0', podNamespace: 'app', nodeName: 'node-a', vgName: 'pool', volumeName: 'scratch', sizeBytes: GiB };
const plan: Allocation = { kind: 'LVM', key: 'app/logs', sizeBytes: 5 * GiB, vgName: 'pool' };
const charges = new Map([['node-a', new Map<string, Allocation>([['pv:local-1', { kind: 'LVM', key: 'pv:local-1', sizeBytes: 10 * GiB, vgName: 'pool' }], ['app/logs', plan]])]]);
const input: SeriesInput = { views: [nodeA], chargesByNode: charges, pvs: [pv], inline: [inline] };

describe('openLocalSeries', () => {
  it.each([
    { name: 'VG total is the NLS allocatable and used is what the ledger charged', family: 'local_volume_group_total' as const, want: [{ labels: { nodename: 'node-a', vgname: 'pool' }, value: 100 * GiB }] },
    { name: 'VG used includes PVs and plans', family: 'local_volume_group_used' as const, want: [{ labels: { nodename: 'node-a', vgname: 'pool' }, value: 30 * GiB }] },
    { name: 'a bound device has nothing available (Open-Local reported its capacity)', family: 'local_device_available' as const, want: [{ labels: { nodename: 'node-a', name: '/dev/vdc', type: 'ssd' }, value: 0 }] },
    { name: 'a bound device is bind 1', family: 'local_device_bind' as const, want: [{ labels: { nodename: 'node-a', name: '/dev/vdc' }, value: 1 }] },
    { name: 'a free mount point has all of it available', family: 'local_mount_point_available' as const, want: [{ labels: { nodename: 'node-a', name: '/mnt/open-local/disk1', type: 'hdd' }, value: 20 * GiB }] },
    { name: 'a free mount point is bind 0', family: 'local_mount_point_bind' as const, want: [{ labels: { nodename: 'node-a', name: '/mnt/open-local/disk1' }, value: 0 }] },
    { name: 'allocated num counts the PVs on the node', family: 'local_allocated_num' as const, want: [{ labels: { nodename: 'node-a' }, value: 1 }] },
    {
      name: 'a PV carries its claim, type, phase and VG',
      family: 'local_local_pv' as const,
      want: [{ labels: { nodename: 'node-a', pv_name: 'local-1', pv_type: 'LVM', pvc_name: 'data', pvc_ns: 'app', status: 'Bound', storage_name: 'pool' }, value: 10 * GiB }],
    },
    { name: 'an inline volume carries its pod and VG', family: 'local_inline_volume' as const, want: [{ labels: { pod_name: 'web-0', pod_namespace: 'app', nodename: 'node-a', vgname: 'pool', volume_name: 'scratch' }, value: GiB }] },
    { name: 'plans are claims charged without a PV', family: 'openlocal_extender_planned_claims' as const, want: [{ labels: { nodename: 'node-a' }, value: 1 }] },
    { name: 'planned bytes are summed per VG', family: 'openlocal_extender_planned_bytes' as const, want: [{ labels: { nodename: 'node-a', vgname: 'pool' }, value: 5 * GiB }] },
  ])('$name', ({ family, want }) => {
    expect(openLocalSeries(input)[family]).toEqual(want);
  });

  it('drops the PVs and inline volumes of a node whose NLS is gone, and the node itself', () => {
    const series = openLocalSeries({ ...input, views: [] });
    expect(Object.values(series).flat()).toEqual([]);
  });

  it('reports a node without storage (NLS with an empty status) with zero allocated and nothing else', () => {
    const empty: NodeView = { nodeName: 'node-b', volumeGroups: [], devices: [], mountPoints: [] };
    const series = openLocalSeries({ views: [empty], chargesByNode: new Map(), pvs: [], inline: [] });
    expect(series.local_allocated_num).toEqual([{ labels: { nodename: 'node-b' }, value: 0 }]);
    expect(series.local_volume_group_total).toEqual([]);
  });
});
