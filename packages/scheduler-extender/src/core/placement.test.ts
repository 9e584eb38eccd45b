import { describe, expect, it } from 'vitest';
import { placeVolumes } from './placement.js';
import type { NodeView, Strategy, VolumeDemand } from './types.js';

const GI = 2 ** 30;

function view(vgs: Record<string, [number, number]>, extra: Partial<NodeView> = {}): NodeView {
  return {
    nodeName: 'n1',
    volumeGroups: Object.entries(vgs).map(([name, [cap, used]]) => ({ name, capacityBytes: cap * GI, usedBytes: used * GI })),
    devices: [],
    mountPoints: [],
    ...extra,
  };
}

const lvm = (key: string, gi: number, vgName?: string): VolumeDemand =>
  vgName === undefined ? { kind: 'LVM', key, sizeBytes: gi * GI } : { kind: 'LVM', key, sizeBytes: gi * GI, vgName };
const device = (key: string, gi: number, mediaType: 'ssd' | 'hdd' = 'ssd'): VolumeDemand => ({ kind: 'Device', key, sizeBytes: gi * GI, mediaType });
const disk = (name: string, gi: number, mediaType: 'ssd' | 'hdd' = 'ssd', isTaken = false) => ({ name, capacityBytes: gi * GI, mediaType, isTaken });

describe('placeVolumes: where each volume goes', () => {
  it.each<{ name: string; view: NodeView; demands: VolumeDemand[]; strategy: Strategy; want: Record<string, string> }>([
    { name: 'binpack takes the fullest VG that fits', view: view({ a: [100, 10], b: [100, 80] }), demands: [lvm('ns/p', 10)], strategy: 'binpack', want: { 'ns/p': 'b' } },
    { name: 'spread takes the emptiest VG', view: view({ a: [100, 10], b: [100, 80] }), demands: [lvm('ns/p', 10)], strategy: 'spread', want: { 'ns/p': 'a' } },
    { name: 'binpack skips a fuller VG that is too small', view: view({ a: [100, 10], b: [100, 95] }), demands: [lvm('ns/p', 10)], strategy: 'binpack', want: { 'ns/p': 'a' } },
    { name: 'a named VG is used as named', view: view({ a: [100, 0], b: [100, 0] }), demands: [lvm('ns/p', 10, 'b')], strategy: 'binpack', want: { 'ns/p': 'b' } },
    {
      name: 'volumes of one pod see each other (largest first)',
      view: view({ a: [30, 0], b: [20, 0] }),
      demands: [lvm('ns/small', 10), lvm('ns/big', 20)],
      strategy: 'binpack',
      want: { 'ns/big': 'b', 'ns/small': 'a' },
    },
    {
      name: 'claims the largest-first order cannot place go where some assignment fits (#20)',
      view: view({ a: [12, 0], b: [12, 0] }),
      demands: [lvm('ns/a1', 5), lvm('ns/a2', 4), lvm('ns/a3', 3), lvm('ns/b1', 5), lvm('ns/b2', 4), lvm('ns/b3', 3)],
      strategy: 'binpack',
      want: { 'ns/a1': 'a', 'ns/a2': 'a', 'ns/a3': 'a', 'ns/b1': 'b', 'ns/b2': 'b', 'ns/b3': 'b' },
    },
    {
      name: 'spread falls back to best fit when its choice would leave no room',
      view: view({ a: [30, 0], b: [20, 0] }),
      demands: [lvm('ns/x', 20), lvm('ns/y', 30)],
      strategy: 'spread',
      want: { 'ns/y': 'a', 'ns/x': 'b' },
    },
    {
      name: 'a device goes to the smallest free disk of its media type that fits',
      view: view({}, { devices: [disk('/dev/big', 500), disk('/dev/small', 100), disk('/dev/hdd', 100, 'hdd'), disk('/dev/used', 100, 'ssd', true)] }),
      demands: [device('ns/d', 50)],
      strategy: 'binpack',
      want: { 'ns/d': '/dev/small' },
    },
  ])('$name', ({ view: v, demands, strategy, want }) => {
    const result = placeVolumes(v, demands, strategy);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const got = Object.fromEntries(result.allocations.map((a) => [a.key, a.kind === 'LVM' ? a.vgName : a.resourceName]));
    expect(got).toEqual(want);
  });

  it.each<{ name: string; view: NodeView; demands: VolumeDemand[]; want: string }>([
    {
      name: 'two volumes that each fit alone but not together are refused',
      view: view({ a: [100, 0] }),
      demands: [lvm('ns/a', 60), lvm('ns/b', 60)],
      want: 'Insufficient LVM storage on node n1, vg is a, pvc requested 60Gi, vg used 60Gi, vg capacity 100Gi',
    },
    { name: 'a full VG names its usage', view: view({ a: [100, 95] }), demands: [lvm('ns/a', 10)], want: 'Insufficient LVM storage on node n1, vg is a, pvc requested 10Gi, vg used 95Gi, vg capacity 100Gi' },
    { name: 'a missing named VG', view: view({ a: [100, 0] }), demands: [lvm('ns/a', 1, 'nope')], want: 'no vg(LVM) named nope in node n1' },
    {
      name: 'past the exact search bound (17 free claims) the reason says only the heuristic was tried',
      view: view({ a: [25, 0], b: [26, 0] }),
      demands: Array.from({ length: 17 }, (_, i) => lvm(`ns/c${i}`, 3)),
      want: 'vg is b, pvc requested 3Gi, vg used 24Gi, vg capacity 26Gi (placement search not exhaustive: more than 16 claims without vgName',
    },
    { name: 'a node without VGs', view: view({}), demands: [lvm('ns/a', 1)], want: 'no LVM storage configured on node n1' },
    {
      name: 'a zero-byte volume is not placed on a node without VGs (Open-Local bug §10.1)',
      view: view({}),
      demands: [lvm('ns/a', 0)],
      want: 'no LVM storage configured on node n1',
    },
    {
      name: 'too few free disks of the media type',
      view: view({}, { devices: [disk('/dev/a', 100), disk('/dev/b', 100, 'ssd', true), disk('/dev/c', 100, 'hdd')] }),
      demands: [device('ns/a', 10), device('ns/b', 10)],
      want: 'Insufficient Device(ssd) storage on node n1, pod requested pvc count is 2, node available device count is 1, node device total is 2',
    },
    {
      name: 'free disks too small for the volume',
      view: view({}, { devices: [disk('/dev/a', 100), disk('/dev/b', 50)] }),
      demands: [device('ns/a', 10), device('ns/b', 200)],
      want: 'Insufficient Device storage on node n1, pvc requested size is 200Gi, max size of free devices on node is 100Gi',
    },
    {
      name: 'mount points are matched by media type',
      view: view({}, { mountPoints: [disk('/mnt/a', 100, 'hdd')] }),
      demands: [{ kind: 'MountPoint', key: 'ns/m', sizeBytes: GI, mediaType: 'ssd' }],
      want: 'Insufficient MountPoint(ssd) storage on node n1, pod requested pvc count is 1, node available mp count is 0, node total mp is 0',
    },
  ])('$name', ({ view: v, demands, want }) => {
    const result = placeVolumes(v, demands, 'binpack');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(want);
  });
});
