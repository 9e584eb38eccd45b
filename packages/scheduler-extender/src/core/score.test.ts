import { describe, expect, it } from 'vitest';
import { allocationsToScore, antiAffinityScore } from './score.js';
import type { Allocation, AntiAffinityWeights, NodeView, Strategy, VolumeDemand } from './types.js';

const GI = 2 ** 30;
const node = (usedGi: number, extra: Partial<NodeView> = {}): NodeView => ({
  nodeName: 'n1',
  volumeGroups: [{ name: 'vg', capacityBytes: 100 * GI, usedBytes: usedGi * GI }],
  devices: [],
  mountPoints: [],
  ...extra,
});
const lvm = (gi: number): Allocation => ({ kind: 'LVM', key: 'ns/a', sizeBytes: gi * GI, vgName: 'vg' });

describe('allocationsToScore', () => {
  it.each<{ name: string; view: NodeView; allocations: Allocation[]; strategy: Strategy; want: number }>([
    { name: 'binpack: 20Gi into an empty 100Gi VG scores 2', view: node(0), allocations: [lvm(20)], strategy: 'binpack', want: 2 },
    { name: 'binpack: existing usage counts (70 used + 20)', view: node(70), allocations: [lvm(20)], strategy: 'binpack', want: 9 },
    { name: 'spread: 20Gi into an empty VG scores 8', view: node(0), allocations: [lvm(20)], strategy: 'spread', want: 8 },
    { name: 'spread: a nearly full VG scores 0', view: node(95), allocations: [lvm(5)], strategy: 'spread', want: 0 },
    { name: 'binpack: an assignment that fills the VG exactly scores 10', view: node(70), allocations: [lvm(20), lvm(10)], strategy: 'binpack', want: 10 },
    { name: 'spread: an exactly filled VG scores 0 and an untouched one does not dilute it', view: node(70, { volumeGroups: [{ name: 'vg', capacityBytes: 100 * GI, usedBytes: 70 * GI }, { name: 'idle', capacityBytes: 100 * GI, usedBytes: 0 }] }), allocations: [lvm(30)], strategy: 'spread', want: 0 },
    {
      name: 'a device used to its half scores 5',
      view: node(0),
      allocations: [{ kind: 'Device', key: 'ns/d', sizeBytes: 50 * GI, resourceName: '/dev/a', capacityBytes: 100 * GI }],
      strategy: 'binpack',
      want: 5,
    },
    {
      name: 'LVM and device parts are averaged',
      view: node(0),
      allocations: [lvm(100), { kind: 'Device', key: 'ns/d', sizeBytes: 0, resourceName: '/dev/a', capacityBytes: 100 * GI }],
      strategy: 'binpack',
      want: 5,
    },
  ])('$name', ({ view, allocations, strategy, want }) => {
    expect(allocationsToScore(view, allocations, strategy)).toBe(want);
  });
});

describe('antiAffinityScore', () => {
  const withDevice = node(0, { devices: [{ name: '/dev/a', capacityBytes: GI, mediaType: 'ssd', isTaken: false }] });
  it.each<{ name: string; view: NodeView | undefined; demands: VolumeDemand[]; weights: AntiAffinityWeights; want: number }>([
    { name: 'no weights, no score', view: node(0), demands: [], weights: {}, want: 0 },
    { name: 'a node without free devices gets the Device weight', view: node(0), demands: [], weights: { Device: 5 }, want: 5 },
    { name: 'a node with a free device gets nothing', view: withDevice, demands: [], weights: { Device: 5 }, want: 0 },
    { name: 'a pod that asks for a device is not steered', view: node(0), demands: [{ kind: 'Device', key: 'k', sizeBytes: 1, mediaType: 'ssd' }], weights: { Device: 5 }, want: 0 },
    { name: 'a node without NLS counts as having nothing', view: undefined, demands: [], weights: { Device: 4, MountPoint: 2 }, want: 3 },
  ])('$name', ({ view, demands, weights, want }) => {
    expect(antiAffinityScore(view, demands, weights)).toBe(want);
  });
});
