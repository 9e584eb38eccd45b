// Issue #20 as the user met it: three nodes with three VGs each and a pod with eight claims (three pinned by
// their StorageClass's vgName, five free). Only `fits` can hold them, and only in assignments that neither
// greedy order finds; filter, prioritize and the provisioning plan must all find one.
import { assignVolumeGroups, prepareVgClaims } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { GI, nls, pod, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { ExtenderError } from './errors.js';
import { Extender } from './extender.js';
import type { PodShape } from './k8s-shapes.js';
import type { Strategy } from './types.js';
import { extenderArgsSchema, type ExtenderArgs } from './wire.js';

const NODES = { fits: { a: 43, b: 30, c: 32 }, tight: { a: 43, b: 30, c: 28 }, short: { a: 35, b: 35, c: 31 } };
const CLAIMS: { name: string; gi: number; vgName?: string }[] = [
  { name: 'pin-a', gi: 10, vgName: 'a' },
  { name: 'pin-b', gi: 10, vgName: 'b' },
  { name: 'pin-c', gi: 10, vgName: 'c' },
  { name: 'free-14', gi: 14 },
  { name: 'free-21', gi: 21 },
  { name: 'free-15', gi: 15 },
  { name: 'free-5', gi: 5 },
  { name: 'free-16', gi: 16 },
];

function setUp(strategy: Strategy, isChoosingNode: boolean): { state: ClusterState; extender: Extender; pod: PodShape } {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  for (const vg of ['a', 'b', 'c']) state.upsertStorageClass(storageClass(`lvm-${vg}`, { volumeType: 'LVM', vgName: vg }));
  for (const [node, vgs] of Object.entries(NODES)) state.upsertNls(nls(node, { vgs }), 0);
  for (const claim of CLAIMS) state.upsertPvc(pvc(`ns/${claim.name}`, claim.vgName ? `lvm-${claim.vgName}` : 'lvm', `${claim.gi}Gi`), 0);
  const p = pod('ns/demanding', CLAIMS.map((c) => `ns/${c.name}`));
  state.upsertPod(p, 0);
  const extender = new Extender({ state, strategy, antiAffinity: {}, isChoosingNode, reservationTtlMs: 30_000 });
  extender.setSynced(true);
  return { state, extender, pod: p };
}

const args = (p: PodShape): ExtenderArgs => extenderArgsSchema.parse({ Pod: p, NodeNames: Object.keys(NODES) });

/** GiB charged per VG on `node` after the pod's plans, checked against capacity by the caller. */
function usedGi(state: ClusterState, node: string): Record<string, number> {
  return Object.fromEntries((state.ledger.view(node)?.volumeGroups ?? []).map((vg) => [vg.name, vg.usedBytes / GI]));
}

const STRATEGIES: { name: string; strategy: Strategy }[] = [
  { name: 'binpack', strategy: 'binpack' },
  { name: 'spread', strategy: 'spread' },
];

describe('issue #20: the only node that can hold the pod is found', () => {
  it.each(STRATEGIES)('neither greedy order places the pod on the fitting node ($name), so the scenario needs the exact search', ({ strategy }) => {
    const vgs = Object.entries(NODES.fits).map(([name, gi]) => ({ name, freeBytes: gi * GI }));
    const result = assignVolumeGroups({ claims: prepareVgClaims(CLAIMS.map((c) => ({ sizeBytes: c.gi * GI, vgName: c.vgName }))), vgs, strategy });
    expect(result.ok && result.method).toBe('exact');
  });

  it.each(STRATEGIES)('filter chooses it and reserves an assignment within every VG ($name)', ({ strategy }) => {
    const { state, extender, pod: p } = setUp(strategy, true);
    const result = extender.filter(args(p), 0);
    expect(result.NodeNames).toEqual(['fits']);
    expect(result.FailedNodes['tight']).toContain('Insufficient LVM storage on node tight, vg is a');
    expect(result.FailedNodes['short']).toContain('Insufficient LVM storage on node short');
    const used = usedGi(state, 'fits');
    expect(Object.values(used).reduce((sum, gi) => sum + gi, 0)).toBe(101);
    for (const [vg, capacity] of Object.entries(NODES.fits)) expect(used[vg]).toBeLessThanOrEqual(capacity);
  });

  it.each(STRATEGIES)('with --no-choose-node, filter passes it alone and prioritize scores it from that assignment ($name)', ({ strategy }) => {
    const { extender, pod: p } = setUp(strategy, false);
    expect(extender.filter(args(p), 0).NodeNames).toEqual(['fits']);
    // fits ends with a 41 or 40 of 43, b 29 or 30 of 30, c 31 of 32: binpack's fullness averages ≥ 0.95.
    const want = strategy === 'binpack' ? 9 : 0;
    expect(extender.prioritize(args(p), 0).find((h) => h.Host === 'fits')?.Score).toBe(want);
  });

  it.each(STRATEGIES)('the provisioning plan places all eight on the fitting node and refuses the others ($name)', ({ strategy }) => {
    const { state, extender } = setUp(strategy, true);
    const plans = CLAIMS.map((c) => extender.provisioningPlan({ namespace: 'ns', name: c.name, nodeName: 'fits' }, 0));
    for (const [i, claim] of CLAIMS.entries()) {
      expect(plans[i]).toMatchObject({ node: 'fits', volumeType: 'LVM', requestedBytes: claim.gi * GI });
      if (claim.vgName !== undefined) expect(plans[i]?.vgName).toBe(claim.vgName);
    }
    const used = usedGi(state, 'fits');
    for (const [vg, capacity] of Object.entries(NODES.fits)) expect(used[vg]).toBeLessThanOrEqual(capacity);
    const other = setUp(strategy, true);
    expect(() => other.extender.provisioningPlan({ namespace: 'ns', name: 'free-21', nodeName: 'tight' }, 0)).toThrow(ExtenderError);
  });
});
