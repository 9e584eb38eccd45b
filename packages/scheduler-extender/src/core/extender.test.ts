import { describe, expect, it } from 'vitest';
import { GI, inlineVolume, nls, pod, pv, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { ExtenderError } from './errors.js';
import { Extender, type ExtenderOptions } from './extender.js';
import type { PodShape } from './k8s-shapes.js';
import type { Strategy } from './types.js';
import { extenderArgsSchema, type ExtenderArgs } from './wire.js';

const NODES = ['n1', 'n2', 'n3'];

function setUp(strategy: Strategy, extra: Partial<ExtenderOptions> = {}): { state: ClusterState; extender: Extender } {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertStorageClass(storageClass('ssd', { volumeType: 'Device', mediaType: 'ssd' }));
  state.upsertStorageClass(storageClass('bad', { volumeType: 'lvm' }));
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertNls(nls('n2', { vgs: { pool: 200 } }), 0);
  state.upsertNls(nls('n3', { vgs: { pool: 50 }, devices: [{ name: '/dev/vdc', gi: 100, mediaType: 'ssd' }] }), 0);
  state.upsertPv(pv('pv-used', 'n2', { vgName: 'pool', size: '150Gi' }), 0);
  const extender = new Extender({ state, strategy, antiAffinity: {}, isChoosingNode: true, reservationTtlMs: 30_000, ...extra });
  extender.setSynced(true);
  return { state, extender };
}

function args(p: PodShape, names: string[] = NODES): ExtenderArgs {
  return extenderArgsSchema.parse({ Pod: p, NodeNames: names });
}

function claimPod(state: ClusterState, key: string, sizes: string[], sc = 'lvm'): PodShape {
  const claims = sizes.map((size, i) => {
    state.upsertPvc(pvc(`${key}-${i}`, sc, size), 0);
    return `${key}-${i}`;
  });
  const p = pod(key, claims);
  state.upsertPod(p, 0);
  return p;
}

describe('Extender.filter', () => {
  it('passes a pod without local volumes through untouched', () => {
    const { extender } = setUp('binpack');
    expect(extender.filter(args(pod('ns/web', [])), 0)).toEqual({ Nodes: null, NodeNames: NODES, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: '' });
  });

  it.each<{ name: string; strategy: Strategy; sizes: string[]; want: string; wantFailed: string[] }>([
    { name: 'binpack chooses the fullest node that fits (n2: 150 of 200 used)', strategy: 'binpack', sizes: ['10Gi'], want: 'n2', wantFailed: [] },
    { name: 'spread chooses the emptiest (n1)', strategy: 'spread', sizes: ['10Gi'], want: 'n1', wantFailed: [] },
    { name: 'a pod with two claims lands only where both fit together', strategy: 'binpack', sizes: ['40Gi', '40Gi'], want: 'n1', wantFailed: ['n2', 'n3'] },
  ])('$name', ({ strategy, sizes, want, wantFailed }) => {
    const { state, extender } = setUp(strategy);
    const result = extender.filter(args(claimPod(state, 'ns/p', sizes)), 0);
    expect(result.NodeNames).toEqual([want]);
    // Nodes that fit but were not chosen are left out of FailedNodes (docs/adr/0001).
    expect(Object.keys(result.FailedNodes).sort()).toEqual(wantFailed);
  });

  it('explains why every node fails for a pod too large for all', () => {
    const { state, extender } = setUp('binpack');
    const result = extender.filter(args(claimPod(state, 'ns/huge', ['500Gi']), [...NODES, 'ghost']), 0);
    expect(result.NodeNames).toEqual([]);
    expect(result.FailedNodes).toEqual({
      n1: 'Insufficient LVM storage on node n1, vg is pool, pvc requested 500Gi, vg used 0, vg capacity 100Gi',
      n2: 'Insufficient LVM storage on node n2, vg is pool, pvc requested 500Gi, vg used 150Gi, vg capacity 200Gi',
      n3: 'Insufficient LVM storage on node n3, vg is pool, pvc requested 500Gi, vg used 0, vg capacity 50Gi',
      ghost: 'no local storage information (NodeLocalStorage) for node ghost',
    });
  });

  it('marks every node unresolvable when the StorageClass is wrong', () => {
    const { state, extender } = setUp('binpack');
    const result = extender.filter(args(claimPod(state, 'ns/p', ['1Gi'], 'bad')), 0);
    expect(result.NodeNames).toEqual([]);
    expect(result.FailedAndUnresolvableNodes['n1']).toBe('storageclass bad: parameter volumeType "lvm": unknown volume type; must be one of LVM, Device, MountPoint (case-sensitive)');
  });

  it('refuses pods with volumes until the cache is synced', () => {
    const { state, extender } = setUp('binpack');
    extender.setSynced(false);
    const result = extender.filter(args(claimPod(state, 'ns/p', ['1Gi'])), 0);
    expect(result.NodeNames).toEqual([]);
    expect(result.FailedNodes['n1']).toContain('not synced');
  });

  it('answers every fitting node when not choosing, and then reserves nothing', () => {
    const { state, extender } = setUp('binpack', { isChoosingNode: false });
    const result = extender.filter(args(claimPod(state, 'ns/p', ['40Gi'])), 0);
    expect(result.NodeNames).toEqual(['n1', 'n2', 'n3']);
    expect(state.ledger.view('n1')?.volumeGroups[0]?.usedBytes).toBe(0);
  });

  it("without choosing, a burst filtered before any selected-node passes every pod (Open-Local's race)", () => {
    const { state, extender } = setUp('binpack', { isChoosingNode: false });
    const passed = Array.from({ length: 60 }, (_, i) => extender.filter(args(claimPod(state, `ns/race-${i}`, ['30Gi'])), i).NodeNames?.length ?? 0);
    expect(passed.filter((n) => n > 0)).toHaveLength(60);
  });

  it('echoes full Node objects when called without nodeCacheCapable', () => {
    const { state, extender } = setUp('spread');
    const p = claimPod(state, 'ns/p', ['10Gi']);
    const input = extenderArgsSchema.parse({ Pod: p, Nodes: { items: NODES.map((name) => ({ metadata: { name, labels: { a: name } } })) } });
    const result = extender.filter(input, 0);
    expect(result.NodeNames).toBeNull();
    expect(result.Nodes?.items).toEqual([{ metadata: { name: 'n1', labels: { a: 'n1' } } }]);
  });

  it('re-filtering the same pod does not count its own reservation twice', () => {
    const { state, extender } = setUp('binpack');
    const p = claimPod(state, 'ns/p', ['45Gi']);
    expect(extender.filter(args(p, ['n3']), 0).NodeNames).toEqual(['n3']);
    expect(extender.filter(args(p, ['n3']), 1).NodeNames).toEqual(['n3']);
    expect(state.ledger.view('n3')?.volumeGroups[0]?.usedBytes).toBe(45 * GI);
  });

  it.each([
    { name: 'burst of 60 pods against room for 5 (binpack)', strategy: 'binpack' as const, confirm: true },
    { name: 'burst of 60 pods against room for 5 (spread)', strategy: 'spread' as const, confirm: true },
    { name: 'burst of 60 pods before any selected-node arrives', strategy: 'binpack' as const, confirm: false },
  ])('$name: exactly 5 are placed and no VG is over-committed', ({ strategy, confirm }) => {
    const { state, extender } = setUp(strategy);
    let placed = 0;
    for (let i = 0; i < 60; i += 1) {
      const p = claimPod(state, `ns/burst-${i}`, ['30Gi']);
      const chosen = extender.filter(args(p), i)?.NodeNames ?? [];
      if (chosen.length === 1) {
        placed += 1;
        if (confirm) state.upsertPvc(pvc(`ns/burst-${i}-0`, 'lvm', '30Gi', { selectedNode: chosen[0] }), i);
      }
    }
    // 30Gi pods: n1 holds 3 (90 of 100), n2 holds 1 (50 free), n3 holds 1 (50) → 5.
    expect(placed).toBe(5);
    for (const node of NODES) {
      const vg = state.ledger.view(node)?.volumeGroups[0];
      expect(vg && vg.usedBytes <= vg.capacityBytes).toBe(true);
    }
  });
});

describe('Extender.prioritize', () => {
  it('scores 0–10 by strategy, 0 where the volumes do not fit', () => {
    const { state, extender } = setUp('binpack');
    const p = claimPod(state, 'ns/p', ['20Gi']);
    expect(extender.prioritize(args(p), 0)).toEqual([
      { Host: 'n1', Score: 2 },
      { Host: 'n2', Score: 8 },
      { Host: 'n3', Score: 4 },
    ]);
    const spread = setUp('spread');
    expect(spread.extender.prioritize(args(claimPod(spread.state, 'ns/p', ['60Gi'])), 0)).toEqual([
      { Host: 'n1', Score: 4 },
      { Host: 'n2', Score: 0 },
      { Host: 'n3', Score: 0 },
    ]);
  });

  it('answers an empty list (all zero) for a pod without local volumes when no anti-affinity is set', () => {
    const { extender } = setUp('binpack');
    expect(extender.prioritize(args(pod('ns/web', [])), 0)).toEqual([]);
  });

  it('steers pods without devices away from device nodes when anti-affinity is set', () => {
    const { extender } = setUp('binpack', { antiAffinity: { Device: 5 } });
    expect(extender.prioritize(args(pod('ns/web', [])), 0)).toEqual([
      { Host: 'n1', Score: 5 },
      { Host: 'n2', Score: 5 },
      { Host: 'n3', Score: 0 },
    ]);
  });
});

describe('pass-through predicates (what the HTTP fast lane answers without decoding node names)', () => {
  it.each([
    { name: 'no volumes', claims: [], extra: [], isSynced: true, weights: {}, want: { filter: true, prioritize: true } },
    { name: 'only foreign inline volumes', claims: [], extra: [inlineVolume('x', {}, 'other.csi')], isSynced: true, weights: {}, want: { filter: true, prioritize: true } },
    { name: "a claim of another driver's class", claims: ['ns/ebs'], extra: [], isSynced: true, weights: {}, want: { filter: true, prioritize: true } },
    { name: 'a bound claim of ours', claims: ['ns/bound'], extra: [], isSynced: true, weights: {}, want: { filter: true, prioritize: true } },
    { name: 'an unbound claim of ours', claims: ['ns/mine'], extra: [], isSynced: true, weights: {}, want: { filter: false, prioritize: false } },
    { name: 'an inline volume of ours', claims: [], extra: [inlineVolume('x', { vgName: 'pool' })], isSynced: true, weights: {}, want: { filter: false, prioritize: false } },
    { name: 'a foreign claim before the sync (filter waits for the cache)', claims: ['ns/ebs'], extra: [], isSynced: false, weights: {}, want: { filter: false, prioritize: true } },
    { name: 'no volumes, with anti-affinity weights (scores differ per node)', claims: [], extra: [], isSynced: true, weights: { Device: 5 }, want: { filter: true, prioritize: false } },
    { name: 'a wrong StorageClass (prioritize answers [] anyway)', claims: ['ns/wrong'], extra: [], isSynced: true, weights: {}, want: { filter: false, prioritize: true } },
  ])('$name', ({ claims, extra, isSynced, weights, want }) => {
    const { state, extender } = setUp('binpack', { antiAffinity: weights });
    state.upsertStorageClass(storageClass('ebs', {}, 'ebs.csi.aws.com'));
    state.upsertPvc(pvc('ns/ebs', 'ebs', '1Gi'), 0);
    state.upsertPvc(pvc('ns/bound', 'lvm', '1Gi', { volumeName: 'pv-b' }), 0);
    state.upsertPvc(pvc('ns/mine', 'lvm', '1Gi'), 0);
    state.upsertPvc(pvc('ns/wrong', 'bad', '1Gi'), 0);
    extender.setSynced(isSynced);
    const p = pod('ns/p', claims, extra);
    expect({ filter: extender.isFilterPassThrough(p), prioritize: extender.isPrioritizeEmpty(p) }).toEqual(want);
    // Each predicate says exactly what the full answer is: every candidate unchanged, or the empty list.
    const names = ['n3', 'ghost', 'n1'];
    const passedAll = JSON.stringify(extender.filter(args(p, names), 0)) === JSON.stringify({ Nodes: null, NodeNames: names, FailedNodes: {}, FailedAndUnresolvableNodes: {}, Error: '' });
    expect(passedAll).toBe(want.filter);
    expect(extender.prioritize(args(p, names), 0).length === 0).toBe(want.prioritize);
  });
});

describe('Extender.provisioningPlan', () => {
  it('plans every volume of the pod on the node and answers the same when asked again', () => {
    const { state, extender } = setUp('binpack');
    state.upsertPvc(pvc('ns/disk', 'ssd', '10Gi'), 0);
    state.upsertPvc(pvc('ns/data', 'lvm', '30Gi'), 0);
    state.upsertPod(pod('ns/p', ['ns/disk', 'ns/data'], [inlineVolume('tmp', { vgName: 'pool', size: '5Gi' })]), 0);
    const first = extender.provisioningPlan({ namespace: 'ns', name: 'data', nodeName: 'n3' }, 0);
    expect(first).toEqual({ node: 'n3', disk: '', vgName: 'pool', device: '', volumeType: 'LVM', persistentVolumeClaim: 'ns/data', requestedBytes: 30 * GI });
    expect(extender.provisioningPlan({ namespace: 'ns', name: 'disk', nodeName: 'n3' }, 1)).toMatchObject({ device: '/dev/vdc', volumeType: 'Device' });
    expect(extender.provisioningPlan({ namespace: 'ns', name: 'data', nodeName: 'n3' }, 2)).toEqual(first);
    // No selected-node on these claims: answered, never recorded, so asking pins nothing (issue #16).
    expect(state.ledger.view('n3')?.volumeGroups[0]?.usedBytes).toBe(0);
    // Once kube-scheduler selects n3, the same answer is recorded for the whole pod: 30Gi + the 5Gi inline volume.
    state.upsertPvc(pvc('ns/data', 'lvm', '30Gi', { selectedNode: 'n3' }), 3);
    expect(extender.provisioningPlan({ namespace: 'ns', name: 'data', nodeName: 'n3' }, 4)).toEqual(first);
    expect(state.ledger.view('n3')?.volumeGroups[0]?.usedBytes).toBe(35 * GI);
  });

  it('answers from the PV once the volume exists', () => {
    const { state, extender } = setUp('binpack');
    state.upsertPvc(pvc('ns/a', 'lvm', '1Gi', { volumeName: 'pv-a' }), 0);
    state.upsertPv(pv('pv-a', 'n1', { vgName: 'pool', size: '1Gi', claim: 'ns/a' }), 0);
    expect(extender.provisioningPlan({ namespace: 'ns', name: 'a', nodeName: 'n1' }, 0)).toMatchObject({ node: 'n1', vgName: 'pool' });
  });

  it.each([
    { name: 'an unknown claim is NOT_FOUND', claim: 'ghost', size: '1Gi', code: 'NOT_FOUND' },
    { name: 'a claim that does not fit is RESOURCE_EXHAUSTED', claim: 'big', size: '80Gi', code: 'RESOURCE_EXHAUSTED' },
  ])('$name', ({ claim, size, code }) => {
    const { state, extender } = setUp('binpack');
    state.upsertPvc(pvc('ns/big', 'lvm', size), 0);
    let error: unknown;
    try {
      extender.provisioningPlan({ namespace: 'ns', name: claim, nodeName: 'n3' }, 0);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ExtenderError);
    expect((error as ExtenderError).code).toBe(code);
  });
});
