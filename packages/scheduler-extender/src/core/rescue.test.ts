import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { nls, pod, pv, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { dueStuckClaims, findStuckClaims, type StuckClaim } from './rescue.js';

/** n1 (100Gi) and n2 (100Gi); pod ns/p waits with claim ns/c (50Gi) selected on n1. */
function waitingOnN1(change: (state: ClusterState) => void = () => undefined): ClusterState {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertNls(nls('n2', { vgs: { pool: 100 } }), 0);
  state.upsertPvc(pvc('ns/c', 'lvm', '50Gi', { selectedNode: 'n1' }), 0);
  state.upsertPod(pod('ns/p', ['ns/c']), 0);
  change(state);
  return state;
}

describe('findStuckClaims', () => {
  it.each<{ name: string; change: (state: ClusterState) => void; want: { claimKey: string; node: string; reason: string }[] }>([
    { name: 'a claim whose node still holds the pod is left alone', change: () => undefined, want: [] },
    {
      name: "a claim whose node's NLS is gone (the controller deletes it with the Node) is stuck",
      change: (s) => s.deleteNls(nls('n1', {})),
      want: [{ claimKey: 'ns/c', node: 'n1', reason: 'node n1 has no NodeLocalStorage any more (the node was deleted, or it offers no local storage)' }],
    },
    {
      name: 'a claim whose VG shrank below it is stuck, with the placement reason',
      change: (s) => s.upsertNls(nls('n1', { vgs: { pool: 40 } }), 0),
      want: [{ claimKey: 'ns/c', node: 'n1', reason: expect.stringContaining('Insufficient LVM storage on node n1, vg is pool, pvc requested 50Gi') as string }],
    },
    {
      name: 'a claim whose VG is now taken by another volume is stuck',
      change: (s) => s.upsertPv(pv('pv-other', 'n1', { vgName: 'pool', size: '80Gi' }), 0),
      want: [{ claimKey: 'ns/c', node: 'n1', reason: expect.stringContaining('Insufficient LVM storage on node n1') as string }],
    },
    {
      name: 'a pod already bound to the node is not moved (kubelet has it)',
      change: (s) => {
        s.upsertPod(pod('ns/p', ['ns/c'], [], 'n1'), 0);
        s.deleteNls(nls('n1', {}));
      },
      want: [],
    },
    {
      name: 'a bound claim is not touched',
      change: (s) => {
        s.upsertPvc(pvc('ns/c', 'lvm', '50Gi', { selectedNode: 'n1', volumeName: 'pv-c' }), 0);
        s.deleteNls(nls('n1', {}));
      },
      want: [],
    },
    {
      name: "a pod whose other claim already has its volume on the node is not moved (that volume pins it)",
      change: (s) => {
        s.upsertPvc(pvc('ns/d', 'lvm', '1Gi', { selectedNode: 'n1', volumeName: 'pv-d' }), 0);
        s.upsertPv(pv('pv-d', 'n1', { vgName: 'pool', size: '1Gi', claim: 'ns/d' }), 0);
        s.upsertPod(pod('ns/p', ['ns/c', 'ns/d']), 0);
        s.upsertNls(nls('n1', { vgs: { pool: 10 } }), 0);
      },
      want: [],
    },
    {
      name: 'a claim no pod waits for is left alone (nothing to place)',
      change: (s) => {
        s.deletePod(pod('ns/p', ['ns/c']), 0);
        s.deleteNls(nls('n1', {}));
      },
      want: [],
    },
  ])('$name', ({ change, want }) => {
    expect(findStuckClaims(waitingOnN1(change), 'binpack')).toEqual(want);
  });
});

describe('dueStuckClaims', () => {
  const stuck = (node = 'n1'): StuckClaim => ({ claimKey: 'ns/c', node, reason: 'r' });

  it('acts only once the claim has been stuck for the whole grace', () => {
    const first = dueStuckClaims(new Map(), [stuck()], { nowMs: 1000, graceMs: 5000 });
    expect(first.due).toEqual([]);
    expect(dueStuckClaims(first.since, [stuck()], { nowMs: 5999, graceMs: 5000 }).due).toEqual([]);
    expect(dueStuckClaims(first.since, [stuck()], { nowMs: 6000, graceMs: 5000 }).due).toEqual([stuck()]);
  });

  it('restarts the clock when the claim stopped being stuck or was placed on another node', () => {
    const first = dueStuckClaims(new Map(), [stuck()], { nowMs: 0, graceMs: 5000 });
    const recovered = dueStuckClaims(first.since, [], { nowMs: 3000, graceMs: 5000 });
    expect(recovered.since.size).toBe(0);
    expect(dueStuckClaims(recovered.since, [stuck()], { nowMs: 6000, graceMs: 5000 }).due).toEqual([]);
    expect(dueStuckClaims(first.since, [stuck('n2')], { nowMs: 6000, graceMs: 5000 }).due).toEqual([]);
  });
});
