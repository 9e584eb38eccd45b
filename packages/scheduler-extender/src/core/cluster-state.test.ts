import { describe, expect, it } from 'vitest';
import { GI, inlineVolume, nls, pod, pv, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { PROVISIONER_NAMES } from '@openlocal/crd-types';

function newState(): ClusterState {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertNls(nls('n2', { vgs: { pool: 100 } }), 0);
  return state;
}
const used = (state: ClusterState, node: string): number => (state.ledger.view(node)?.volumeGroups[0]?.usedBytes ?? -1) / GI;

describe('ClusterState: the ledger follows API state', () => {
  it('charges a PV of our driver to its node and VG, and refunds it when deleted', () => {
    const state = newState();
    const volume = pv('pv-1', 'n1', { vgName: 'pool', size: '30Gi', claim: 'ns/a' });
    state.upsertPv(volume, 0);
    expect(used(state, 'n1')).toBe(30);
    state.deletePv(volume, 0);
    expect(used(state, 'n1')).toBe(0);
  });

  it('plans a claim when kube-scheduler selects its node, and counts it once when its PV appears', () => {
    const state = newState();
    state.upsertPod(pod('ns/p', ['ns/a']), 0);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi'), 0);
    expect(used(state, 'n1')).toBe(0);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
    expect(used(state, 'n1')).toBe(10);
    state.upsertPv(pv('pv-a', 'n1', { vgName: 'pool', size: '10Gi', claim: 'ns/a' }), 0);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1', volumeName: 'pv-a' }), 0);
    expect(used(state, 'n1')).toBe(10);
  });

  it('drops the plan when the selected node annotation is removed (rescheduling)', () => {
    const state = newState();
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
    expect(used(state, 'n1')).toBe(10);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi'), 0);
    expect(used(state, 'n1')).toBe(0);
  });

  it('lets a filter reservation expire unless the scheduler confirms it', () => {
    const state = newState();
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi'), 0);
    state.upsertPvc(pvc('ns/b', 'lvm', '20Gi'), 0);
    state.reserve({ podUid: 'p', node: 'n1', allocations: [{ kind: 'LVM', key: 'ns/a', sizeBytes: 10 * GI, vgName: 'pool' }], nowMs: 0, ttlMs: 1000 });
    state.reserve({ podUid: 'q', node: 'n2', allocations: [{ kind: 'LVM', key: 'ns/b', sizeBytes: 20 * GI, vgName: 'pool' }], nowMs: 0, ttlMs: 1000 });
    state.upsertPvc(pvc('ns/b', 'lvm', '20Gi', { selectedNode: 'n2' }), 500);
    state.expire(999);
    expect([used(state, 'n1'), used(state, 'n2')]).toEqual([10, 20]);
    state.expire(1000);
    expect([used(state, 'n1'), used(state, 'n2')]).toEqual([0, 20]);
  });

  it('a retried pod keeps the confirmed plan of a claim already selected on that node', () => {
    const state = newState();
    state.upsertPod(pod('ns/p', ['ns/a']), 0);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
    state.reserve({ podUid: 'uid-ns/p', node: 'n1', allocations: [{ kind: 'LVM', key: 'ns/a', sizeBytes: 10 * GI, vgName: 'pool' }], nowMs: 5, ttlMs: 10 });
    state.expire(1_000_000);
    expect(used(state, 'n1')).toBe(10);
  });

  it("deleting a pod releases its filter reservations but not its claims' confirmed plans", () => {
    const state = newState();
    const p = pod('ns/p', ['ns/a', 'ns/b']);
    state.upsertPod(p, 0);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
    state.upsertPvc(pvc('ns/b', 'lvm', '20Gi'), 0);
    state.reserve({ podUid: 'uid-ns/p', node: 'n2', allocations: [{ kind: 'LVM', key: 'ns/b', sizeBytes: 20 * GI, vgName: 'pool' }], nowMs: 0, ttlMs: 60_000 });
    state.deletePod(p, 1);
    expect([used(state, 'n1'), used(state, 'n2')]).toEqual([10, 0]);
  });

  it("plans a pod's other claims with the selected one, but lets them expire unless they are selected too", () => {
    const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack', reservationTtlMs: 1000 });
    state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
    state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
    state.upsertPod(pod('ns/p', ['ns/a', 'ns/b']), 0);
    state.upsertPvc(pvc('ns/b', 'lvm', '20Gi'), 0);
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
    expect(used(state, 'n1')).toBe(30);
    state.expire(1000);
    expect(used(state, 'n1')).toBe(10);
    state.upsertPvc(pvc('ns/b', 'lvm', '20Gi', { selectedNode: 'n1' }), 2000);
    state.expire(60_000);
    expect(used(state, 'n1')).toBe(30);
  });

  it('charges inline volumes of a bound pod until it finishes', () => {
    const state = newState();
    const bound = pod('ns/p', [], [inlineVolume('scratch', { vgName: 'pool', size: '4Gi' })], 'n2');
    state.upsertPod(bound, 0);
    expect(used(state, 'n2')).toBe(4);
    state.upsertPod({ ...bound, status: { phase: 'Succeeded' } }, 0);
    expect(used(state, 'n2')).toBe(0);
  });

  it('provisioning plans place all volumes of the pod together and refuse what does not fit', () => {
    const state = newState();
    state.upsertPod(pod('ns/p', ['ns/a', 'ns/b']), 0);
    state.upsertPvc(pvc('ns/a', 'lvm', '60Gi'), 0);
    state.upsertPvc(pvc('ns/b', 'lvm', '60Gi'), 0);
    const result = state.ensurePlans({ podUid: 'uid-ns/p', claimKey: 'ns/a', node: 'n1', source: 'provisioning', nowMs: 0, isStrict: true });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('Insufficient LVM storage on node n1') });
    expect(used(state, 'n1')).toBe(0);
  });

  it('a restarted extender rebuilt from the same objects in another order has the same view', () => {
    const objects = {
      nls: [nls('n1', { vgs: { pool: 100, fast: 50 } }), nls('n2', { vgs: { pool: 100 } })],
      pvs: [pv('pv-x', 'n1', { vgName: 'fast', size: '5Gi', claim: 'ns/x' })],
      pvcs: [pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), pvc('ns/b', 'lvm', '45Gi', { selectedNode: 'n1' }), pvc('ns/x', 'lvm', '5Gi', { volumeName: 'pv-x' })],
      pods: [pod('ns/p', ['ns/a', 'ns/b'])],
    };
    const first = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
    first.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
    objects.nls.forEach((o) => first.upsertNls(o, 0));
    objects.pvs.forEach((o) => first.upsertPv(o, 0));
    objects.pods.forEach((o) => first.upsertPod(o, 0));
    objects.pvcs.forEach((o) => first.upsertPvc(o, 0));
    const second = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
    objects.pvcs.forEach((o) => second.upsertPvc(o, 0));
    objects.pods.forEach((o) => second.upsertPod(o, 0));
    second.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
    objects.pvs.forEach((o) => second.upsertPv(o, 0));
    objects.nls.forEach((o) => second.upsertNls(o, 0));
    const total = (s: ClusterState) => s.ledger.view('n1')?.volumeGroups.reduce((sum, vg) => sum + vg.usedBytes, 0);
    expect(total(second)).toBe(total(first));
    first.rebuildPlans(0);
    second.rebuildPlans(0);
    for (const node of ['n1', 'n2']) expect(second.ledger.view(node)).toEqual(first.ledger.view(node));
    expect(first.ledger.view('n1')?.volumeGroups).toEqual([
      { name: 'pool', capacityBytes: 100 * GI, usedBytes: 10 * GI },
      { name: 'fast', capacityBytes: 50 * GI, usedBytes: 50 * GI },
    ]);
  });
});
