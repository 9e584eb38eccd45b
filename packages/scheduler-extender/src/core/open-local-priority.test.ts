import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { GI, nls, pod, pv, pvc, storageClass, type NodeSpec } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { Extender } from './extender.js';
import { countMatchScore, exclusiveCounts, storagelessNodeScore } from './open-local-priority.js';
import type { NodeView, Strategy, VolumeDemand } from './types.js';
import { extenderArgsSchema } from './wire.js';

const free = (n: number, taken = 0): NodeView['devices'] => [
  ...Array.from({ length: n }, (_, i) => ({ name: `/dev/f${i}`, capacityBytes: GI, mediaType: 'ssd' as const, isTaken: false })),
  ...Array.from({ length: taken }, (_, i) => ({ name: `/dev/t${i}`, capacityBytes: GI, mediaType: 'ssd' as const, isTaken: true })),
];
const view = (devices: NodeView['devices'], mountPoints: NodeView['mountPoints'] = [], vgs: NodeView['volumeGroups'] = []): NodeView => ({ nodeName: 'n', volumeGroups: vgs, devices, mountPoints });
const wants = (device: number, mountPoint: number): VolumeDemand[] => [
  ...Array.from({ length: device }, (_, i) => ({ kind: 'Device' as const, key: `ns/d${i}`, sizeBytes: GI, mediaType: 'ssd' as const })),
  ...Array.from({ length: mountPoint }, (_, i) => ({ kind: 'MountPoint' as const, key: `ns/m${i}`, sizeBytes: GI, mediaType: 'hdd' as const })),
];

describe("countMatchScore (Open-Local's CountMatch, reference §9.3)", () => {
  it.each<{ name: string; node: NodeView; demands: VolumeDemand[]; want: number }>([
    { name: 'one device of two free: (0 + int(10/2)) / 2 = 2', node: view(free(2)), demands: wants(1, 0), want: 2 },
    { name: 'one device of the only free one: (0 + 10) / 2 = 5', node: view(free(1)), demands: wants(1, 0), want: 5 },
    { name: 'two devices of four free: int(20/4) / 2 = 2', node: view(free(4)), demands: wants(2, 0), want: 2 },
    { name: 'a mount point of three and a device of one: (int(10/3) + 10) / 2 = 6', node: view(free(1), free(3)), demands: wants(1, 1), want: 6 },
    { name: 'taken devices are not free: one device of one free (two taken) = 5', node: view(free(1, 2)), demands: wants(1, 0), want: 5 },
    { name: 'no free resource of the kind adds nothing (the pod does not fit anyway)', node: view(free(0, 1)), demands: wants(1, 0), want: 0 },
    { name: 'an LVM-only pod scores 0', node: view(free(1)), demands: [{ kind: 'LVM', key: 'ns/l', sizeBytes: GI }], want: 0 },
  ])('$name', ({ node, demands, want }) => {
    expect(countMatchScore(node, exclusiveCounts(demands))).toBe(want);
  });
});

describe("storagelessNodeScore (Open-Local's CapacityMatch for pods without local volumes, §9.3)", () => {
  it.each<{ name: string; node: NodeView | undefined; want: number }>([
    { name: 'a node without NodeLocalStorage scores 10', node: undefined, want: 10 },
    { name: 'a node whose NLS offers nothing scores 10', node: view([]), want: 10 },
    { name: 'a node with a VG scores 0', node: view([], [], [{ name: 'pool', capacityBytes: GI, usedBytes: 0 }]), want: 0 },
    { name: 'a node with only a taken device still scores 0 (it is a storage node)', node: view(free(0, 1)), want: 0 },
    { name: 'a node with only a mount point scores 0', node: view([], free(1)), want: 0 },
  ])('$name', ({ node, want }) => {
    expect(storagelessNodeScore(node)).toBe(want);
  });
});

interface Row {
  name: string;
  strategy: Strategy;
  node: NodeSpec;
  usedGi?: number;
  claims: { sc: 'lvm' | 'ssd' | 'hdd-mp'; gi: number }[];
  /** Open-Local v0.7.1's prioritize total by its formulas (§9.1–9.3), worked out by hand. */
  openLocal: number;
  ours: number;
  /** Why ours differs, when it does (docs/open-local-scores.md). */
  why?: string;
}

const SSD = (gi: number, n = 1): NonNullable<NodeSpec['devices']> => Array.from({ length: n }, (_, i) => ({ name: `/dev/sd${i}`, gi, mediaType: 'ssd' }));

// The whole score kube-scheduler receives for one node, through Extender.prioritize, beside Open-Local's.
describe('prioritize beside Open-Local v0.7.1 (reference §9 formulas)', () => {
  it.each<Row>([
    { name: '§9.1 example: 20Gi on an empty 100Gi VG, binpack 2', strategy: 'binpack', node: { vgs: { pool: 100 } }, claims: [{ sc: 'lvm', gi: 20 }], openLocal: 2, ours: 2 },
    { name: '§9.1 example: 20Gi on an empty 100Gi VG, spread 8', strategy: 'spread', node: { vgs: { pool: 100 } }, claims: [{ sc: 'lvm', gi: 20 }], openLocal: 8, ours: 8 },
    { name: 'binpack, 20Gi on a VG with 70Gi used', strategy: 'binpack', node: { vgs: { pool: 100 } }, usedGi: 70, claims: [{ sc: 'lvm', gi: 20 }], openLocal: 2, ours: 9, why: 'existing use counted' },
    { name: 'spread, 20Gi on a VG with 50Gi used', strategy: 'spread', node: { vgs: { pool: 100 } }, usedGi: 50, claims: [{ sc: 'lvm', gi: 20 }], openLocal: 8, ours: 3, why: 'existing use counted' },
    { name: 'a 50Gi Device claim on a 100Gi disk, two free: capacity 5 + count 2', strategy: 'binpack', node: { devices: SSD(100, 2) }, claims: [{ sc: 'ssd', gi: 50 }], openLocal: 7, ours: 7 },
    { name: 'a 50Gi Device claim on the only free 100Gi disk: 5 + 5', strategy: 'binpack', node: { devices: SSD(100) }, claims: [{ sc: 'ssd', gi: 50 }], openLocal: 10, ours: 10 },
    { name: 'a 10Gi MountPoint claim, three free 100Gi mount points: 1 + int(10/3)/2', strategy: 'spread', node: { devices: [{ name: '/dev/hd', gi: 300, mediaType: 'hdd' }], mountPoints: [0, 1, 2].map((i) => ({ name: `/mnt/d${i}`, gi: 100, device: '/dev/hd' })) }, claims: [{ sc: 'hdd-mp', gi: 10 }], openLocal: 2, ours: 2 },
    { name: 'a 90Gi Device claim on the only free 100Gi disk: 9 + 5 = 14, clamped to 10', strategy: 'binpack', node: { devices: SSD(100) }, claims: [{ sc: 'ssd', gi: 90 }], openLocal: 14, ours: 10, why: 'clamped to 0–10' },
    { name: 'LVM 50 of 100 and a full disk: Open-Local sums 5 + 10 + count 5, ours averages then clamps', strategy: 'binpack', node: { vgs: { pool: 100 }, devices: SSD(100) }, claims: [{ sc: 'lvm', gi: 50 }, { sc: 'ssd', gi: 100 }], openLocal: 20, ours: 10, why: 'parts averaged, clamped' },
  ])('$name: Open-Local $openLocal, ours $ours', ({ strategy, node, usedGi, claims, openLocal, ours }) => {
    const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy });
    state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
    state.upsertStorageClass(storageClass('ssd', { volumeType: 'Device', mediaType: 'ssd' }));
    state.upsertStorageClass(storageClass('hdd-mp', { volumeType: 'MountPoint', mediaType: 'hdd' }));
    state.upsertNls(nls('n1', node), 0);
    if (usedGi !== undefined) state.upsertPv(pv('pv-used', 'n1', { vgName: 'pool', size: `${usedGi}Gi` }), 0);
    const keys = claims.map(({ sc, gi }, i) => {
      state.upsertPvc(pvc(`ns/c${i}`, sc, `${gi}Gi`), 0);
      return `ns/c${i}`;
    });
    const p = pod('ns/p', keys);
    state.upsertPod(p, 0);
    const extender = new Extender({ state, strategy, antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
    extender.setSynced(true);
    expect(extender.prioritize(extenderArgsSchema.parse({ Pod: p, NodeNames: ['n1'] }), 0)).toEqual([{ Host: 'n1', Score: ours }]);
    expect(openLocalTotal({ strategy, node, usedGi, claims })).toBe(openLocal);
  });

  it("pods without local volumes: Open-Local's 10 on nodes without storage, none listed for storage nodes", () => {
    const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
    state.upsertNls(nls('storage', { vgs: { pool: 100 } }), 0);
    state.upsertNls(nls('empty', {}), 0);
    const on = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000, isPreferringStoragelessNodes: true });
    const off = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000 });
    const web = pod('ns/web', []);
    const args = extenderArgsSchema.parse({ Pod: web, NodeNames: ['storage', 'empty', 'no-nls'] });
    expect(on.prioritize(args, 0)).toEqual([{ Host: 'empty', Score: 10 }, { Host: 'no-nls', Score: 10 }]);
    expect(on.isPrioritizeEmpty(web)).toBe(false);
    expect(off.prioritize(args, 0)).toEqual([]);
    expect(off.isPrioritizeEmpty(web)).toBe(true);
    const withWeights = new Extender({ state, strategy: 'binpack', antiAffinity: { Device: 5 }, isChoosingNode: true, reservationTtlMs: 30_000, isPreferringStoragelessNodes: true });
    // Open-Local sums CapacityMatch and anti-affinity (15 on a storage-less node); the sum is clamped.
    expect(withWeights.prioritize(args, 0)).toEqual([{ Host: 'storage', Score: 5 }, { Host: 'empty', Score: 10 }, { Host: 'no-nls', Score: 10 }]);
  });
});

/**
 * Open-Local's extender total for one node with one VG named `pool` (§9.1: this pod's LVM requests over the VG's
 * capacity, existing use not counted; §9.2: requested over the size of the smallest free disk that fits; §9.3:
 * the parts and CountMatch summed, not clamped). Written from the reference, independently of our code.
 */
function openLocalTotal(row: Pick<Row, 'strategy' | 'node' | 'claims' | 'usedGi'>): number {
  const lvmGi = row.claims.filter((c) => c.sc === 'lvm').reduce((sum, c) => sum + c.gi, 0);
  const poolGi = row.node.vgs?.['pool'] ?? 0;
  const lvm = lvmGi === 0 ? 0 : Math.trunc((row.strategy === 'binpack' ? lvmGi / poolGi : 1 - lvmGi / poolGi) * 10);
  const exclusive = (sc: 'ssd' | 'hdd-mp', sizes: number[]): { capacity: number; count: number } => {
    const wanted = row.claims.filter((c) => c.sc === sc).map((c) => c.gi).sort((a, b) => a - b);
    if (wanted.length === 0 || sizes.length === 0) return { capacity: 0, count: 0 };
    const pool = [...sizes].sort((a, b) => a - b);
    const ratios = wanted.map((gi) => gi / (pool.splice(pool.findIndex((size) => size >= gi), 1)[0] ?? gi));
    return { capacity: Math.trunc((ratios.reduce((a, b) => a + b, 0) / ratios.length) * 10), count: Math.trunc((wanted.length * 10) / sizes.length) };
  };
  const device = exclusive('ssd', (row.node.devices ?? []).filter((d) => d.mediaType === 'ssd').map((d) => d.gi));
  const mountPoint = exclusive('hdd-mp', (row.node.mountPoints ?? []).map((m) => m.gi));
  return lvm + device.capacity + mountPoint.capacity + Math.trunc((mountPoint.count + device.count) / 2);
}
