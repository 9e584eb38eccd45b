import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { GI, nls, pod, pv, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { Extender } from './extender.js';
import type { NlsShape } from './k8s-shapes.js';
import { placeVolumes } from './placement.js';
import { nlsToThinPools } from './thin-pools.js';
import type { NodeView, VolumeDemand } from './types.js';
import { extenderArgsSchema } from './wire.js';

type Pool = NonNullable<NodeView['thinPools']>[number];

function pool(gi: number, extra: Partial<Pool> = {}): Pool {
  return { vgName: 'vg', name: 'thin0', sizeBytes: gi * GI, virtualUsedBytes: 0, dataPercent: 10, ratio: undefined, usedBytes: 0, ...extra };
}

function view(pools: Pool[], vgFreeGi = 1): NodeView {
  return { nodeName: 'n1', volumeGroups: [{ name: 'vg', capacityBytes: vgFreeGi * GI, usedBytes: 0 }], devices: [], mountPoints: [], thinPools: pools };
}

const thin = (key: string, gi: number, how: { ratio?: number; pool?: string } = {}): VolumeDemand =>
  ({ kind: 'LVM', key, sizeBytes: gi * GI, vgName: 'vg', thinPool: how.pool ?? 'thin0', ...(how.ratio === undefined ? {} : { ratio: how.ratio }) });

describe('placeVolumes: thin volumes by their pool\'s over-provisioned room', () => {
  it.each<{ name: string; view: NodeView; demands: VolumeDemand[]; want: string[] | RegExp }>([
    { name: 'a thin volume far larger than the VG\'s free space fits the pool\'s room (10 GiB × 4)', view: view([pool(10, { ratio: 4 })]), demands: [thin('ns/a', 35)], want: ['vg/thin0'] },
    { name: 'room is size × ratio minus what is charged: 40 − 30 leaves 10, 11 is refused', view: view([pool(10, { ratio: 4, usedBytes: 30 * GI })]), demands: [thin('ns/a', 11)], want: /Insufficient thin pool room on node n1, pool is vg\/thin0, pvc ns\/a requested 11Gi, handed out 30Gi of 40Gi \(pool 10Gi × overProvisioningRatio 4\)/ },
    { name: 'exactly the room left fits', view: view([pool(10, { ratio: 4, usedBytes: 30 * GI })]), demands: [thin('ns/a', 10)], want: ['vg/thin0'] },
    { name: 'two thin volumes of one pod share the room', view: view([pool(10, { ratio: 2 })]), demands: [thin('ns/a', 12), thin('ns/b', 9)], want: /handed out 12Gi of 20Gi/ },
    { name: 'the class\'s ratio is used when it is tighter than the NLS\'s', view: view([pool(10, { ratio: 4 })]), demands: [thin('ns/a', 25, { ratio: 2 })], want: /of 20Gi \(pool 10Gi × overProvisioningRatio 2\)/ },
    { name: 'the NLS\'s ratio is used when it is tighter than the class\'s', view: view([pool(10, { ratio: 1 })]), demands: [thin('ns/a', 11, { ratio: 3 })], want: /overProvisioningRatio 1\)/ },
    { name: 'without any ratio only the pool\'s fill limits (as in the CSI plugin)', view: view([pool(10)]), demands: [thin('ns/a', 500)], want: ['vg/thin0'] },
    { name: 'a full pool (95 % data used) takes nothing, whatever the room', view: view([pool(10, { ratio: 10, dataPercent: 95 })]), demands: [thin('ns/a', 1)], want: /thin pool vg\/thin0 on node n1 is full \(95% of its data space used; new volumes are refused from 95%\)/ },
    { name: 'a pool below the line still takes volumes', view: view([pool(10, { ratio: 10, dataPercent: 94.9 })]), demands: [thin('ns/a', 1)], want: ['vg/thin0'] },
    { name: 'a pool the node does not have is named', view: view([pool(10)]), demands: [thin('ns/a', 1, { pool: 'thin9' })], want: /no thin pool vg\/thin9 on node n1 \(pvc ns\/a\)/ },
    { name: 'a node without thin pools refuses a thin volume', view: view([]), demands: [thin('ns/a', 1)], want: /no thin pool vg\/thin0 on node n1/ },
  ])('$name', ({ view: v, demands, want }) => {
    const result = placeVolumes(v, demands, 'binpack');
    if (want instanceof RegExp) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(want);
    } else {
      expect(result.ok && result.allocations.map((a) => (a.kind === 'LVM' ? `${a.vgName}/${a.thinPool ?? '-'}` : a.kind))).toEqual(want);
    }
  });

  it('a thick volume beside a thin one still needs VG space, and the thin one takes none of it', () => {
    const result = placeVolumes(view([pool(10, { ratio: 4 })], 5), [thin('ns/t', 30), { kind: 'LVM', key: 'ns/k', sizeBytes: 5 * GI }], 'binpack');
    expect(result).toEqual({ ok: true, allocations: [{ kind: 'LVM', key: 'ns/k', sizeBytes: 5 * GI, vgName: 'vg' }, { kind: 'LVM', key: 'ns/t', sizeBytes: 30 * GI, vgName: 'vg', thinPool: 'thin0' }] });
    expect(placeVolumes(view([pool(10, { ratio: 4 })], 4), [thin('ns/t', 30), { kind: 'LVM', key: 'ns/k', sizeBytes: 5 * GI }], 'binpack').ok).toBe(false);
  });
});

/** An NLS with one VG `vg` holding thin pool `thin0` of `poolGi`, declared in the spec with `ratio`. */
function thinNls(node: string, pool: { poolGi: number; ratio?: number; virtualUsedGi?: number; dataPercent?: number }): NlsShape {
  const base = nls(node, { vgs: { vg: 1 } });
  const vg = base.status?.nodeStorageInfo?.volumeGroups?.[0];
  if (vg !== undefined) vg.thinPools = [{ name: 'thin0', total: pool.poolGi * GI, virtualUsed: (pool.virtualUsedGi ?? 0) * GI, dataPercent: pool.dataPercent ?? 5 }];
  const declared = pool.ratio === undefined ? {} : { overProvisioningRatio: pool.ratio };
  return { ...base, spec: { resourceToBeInited: { vgs: [{ name: 'vg', thinPools: [{ name: 'thin0', ...declared }] }] } } };
}

describe('nlsToThinPools', () => {
  it('reads each offered VG\'s pools with the spec\'s declared ratio', () => {
    expect(nlsToThinPools(thinNls('n1', { poolGi: 10, ratio: 3, virtualUsedGi: 4, dataPercent: 12.5 }))).toEqual({
      pools: [{ vgName: 'vg', name: 'thin0', sizeBytes: 10 * GI, virtualUsedBytes: 4 * GI, dataPercent: 12.5, ratio: 3 }],
      problems: [],
    });
  });

  it('leaves out a pool whose size is not a byte count, naming the field and value', () => {
    const bad = thinNls('n1', { poolGi: 10 });
    const vg = bad.status?.nodeStorageInfo?.volumeGroups?.[0];
    if (vg?.thinPools?.[0] !== undefined) vg.thinPools[0].total = 'lots';
    expect(nlsToThinPools(bad)).toEqual({ pools: [], problems: ['status.nodeStorageInfo.volumeGroups[0].thinPools[0].total is not a byte count: "lots"'] });
  });

  it('offers no pool of a VG that filteredStorageInfo leaves out', () => {
    const hidden = thinNls('n1', { poolGi: 10 });
    if (hidden.status?.filteredStorageInfo) hidden.status.filteredStorageInfo.volumeGroups = [];
    expect(nlsToThinPools(hidden).pools).toEqual([]);
  });
});

describe('Extender.filter with a thin StorageClass', () => {
  function setUp(): { state: ClusterState; extender: Extender } {
    const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
    state.upsertStorageClass(storageClass('thin', { volumeType: 'LVM', vgName: 'vg', thinPool: 'thin0' }));
    // n1: 10 GiB pool × 4; n2: 20 GiB × 1; n3 declares no ratio but its pool is full.
    state.upsertNls(thinNls('n1', { poolGi: 10, ratio: 4 }), 0);
    state.upsertNls(thinNls('n2', { poolGi: 20, ratio: 1 }), 0);
    state.upsertNls(thinNls('n3', { poolGi: 100, dataPercent: 97 }), 0);
    const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode: false, reservationTtlMs: 30_000 });
    extender.setSynced(true);
    return { state, extender };
  }

  function filter(parts: { state: ClusterState; extender: Extender }, size: string, nodes = ['n1', 'n2', 'n3']): ReturnType<Extender['filter']> {
    const { state, extender } = parts;
    state.upsertPvc(pvc('ns/data', 'thin', size), 0);
    const p = pod('ns/app', ['ns/data']);
    state.upsertPod(p, 0);
    return extender.filter(extenderArgsSchema.parse({ Pod: p, NodeNames: nodes }), 0);
  }

  it('places by over-provisioned room, not VG free space (each VG has 1 GiB free)', () => {
    const { state, extender } = setUp();
    const result = filter({ state, extender }, '30Gi');
    expect(result.NodeNames).toEqual(['n1']);
    expect(result.FailedNodes['n2']).toMatch(/Insufficient thin pool room on node n2, pool is vg\/thin0, pvc ns\/data requested 30Gi, handed out 0B? ?of 20Gi/);
    expect(result.FailedNodes['n3']).toMatch(/thin pool vg\/thin0 on node n3 is full \(97%/);
  });

  it('charges existing thin PVs and lvm\'s unclaimed virtual size (snapshots) against the room', () => {
    const { state, extender } = setUp();
    // n1: a 25 GiB thin PV, and the agent reports 33 GiB handed out: 8 GiB more than the PVs (a thin snapshot).
    state.upsertNls(thinNls('n1', { poolGi: 10, ratio: 4, virtualUsedGi: 33 }), 0);
    const thinPv = pv('pv-a', 'n1', { vgName: 'vg', size: '25Gi' });
    if (thinPv.spec?.csi?.volumeAttributes) thinPv.spec.csi.volumeAttributes['thinPool'] = 'thin0';
    state.upsertPv(thinPv, 0);
    // 25 GiB charged + 8 GiB lvm reports beyond the PVs = 33 of 40 GiB: 7 GiB fit, 8 GiB do not.
    expect(filter({ state, extender }, '7Gi', ['n1']).NodeNames).toEqual(['n1']);
    const refused = filter({ state, extender }, '8Gi', ['n1']);
    expect(refused.NodeNames).toEqual([]);
    expect(refused.FailedNodes['n1']).toMatch(/pvc ns\/data requested 8Gi, handed out 33Gi of 40Gi/);
  });

  it('a thin PV takes none of its VG\'s space', () => {
    const { state } = setUp();
    const thinPv = pv('pv-b', 'n1', { vgName: 'vg', size: '25Gi' });
    if (thinPv.spec?.csi?.volumeAttributes) thinPv.spec.csi.volumeAttributes['thinPool'] = 'thin0';
    state.upsertPv(thinPv, 0);
    const seen = state.ledger.view('n1');
    expect(seen?.volumeGroups[0]?.usedBytes).toBe(0);
    expect(seen?.thinPools?.[0]?.usedBytes).toBe(25 * GI);
  });
});
