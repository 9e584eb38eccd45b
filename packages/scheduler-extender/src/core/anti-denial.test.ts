// Issue #16: the extender cannot be used to reserve capacity for pods that do not exist, to re-plan a real
// pod from a forged spec, or to pin pending claims to a node for good through the provisioning route.
import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { GI, inlineVolume, nls, pod, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from './cluster-state.js';
import { ExtenderError } from './errors.js';
import { Extender } from './extender.js';
import type { PodShape } from './k8s-shapes.js';
import { checkSchedulingPod } from './reservation-guard.js';
import { extenderArgsSchema } from './wire.js';

const NODES = ['n1', 'n2'];
const TTL = 30_000;

function setUp(isChoosingNode = true): { state: ClusterState; extender: Extender } {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack', reservationTtlMs: TTL });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertNls(nls('n1', { vgs: { pool: 100 } }), 0);
  state.upsertNls(nls('n2', { vgs: { pool: 100 } }), 0);
  const extender = new Extender({ state, strategy: 'binpack', antiAffinity: {}, isChoosingNode, reservationTtlMs: TTL });
  extender.setSynced(true);
  return { state, extender };
}

const filterArgs = (p: PodShape) => extenderArgsSchema.parse({ Pod: p, NodeNames: NODES });
const usedBytes = (state: ClusterState, node: string): number => state.ledger.view(node)?.volumeGroups.find((vg) => vg.name === 'pool')?.usedBytes ?? -1;
const withUid = (p: PodShape, uid: string): PodShape => ({ ...p, metadata: { ...p.metadata, uid } });

describe('checkSchedulingPod', () => {
  const known = pod('ns/web', ['ns/data']);
  it.each([
    { name: 'the informer pod with the same UID', sent: known, known, want: { ok: true, pod: known } },
    { name: 'no UID', sent: withUid(known, ''), known: undefined, want: { ok: false, reason: 'open-local scheduler extender: pod ns/web has no metadata.uid; only pods that exist in the API are planned for' } },
    { name: 'a UID the informer does not know', sent: withUid(known, 'made-up'), known: undefined, want: { ok: false, reason: "open-local scheduler extender: pod ns/web (uid made-up) is not in the extender's cache of the API; only pods that exist there are planned for" } },
    { name: "another pod's UID", sent: withUid(pod('ns/evil', []), 'uid-ns/web'), known, want: { ok: false, reason: 'open-local scheduler extender: uid uid-ns/web is pod ns/web, not ns/evil' } },
  ])('$name', ({ sent, known: k, want }) => {
    expect(checkSchedulingPod(sent, k)).toEqual(want);
  });
});

describe('filter reserves only for pods in the API', () => {
  it('a made-up pod with a huge inline volume is refused on every node and reserves nothing', () => {
    const { state, extender } = setUp();
    const forged = pod('ns/forged', [], [inlineVolume('big', { vgName: 'pool', size: '90Gi' })]);
    const result = extender.filter(filterArgs(forged), 0);
    expect(result.NodeNames).toEqual([]);
    expect(result.FailedNodes).toEqual(Object.fromEntries(NODES.map((n) => [n, expect.stringContaining('pod ns/forged (uid uid-ns/forged) is not in the extender')])));
    expect(NODES.map((n) => usedBytes(state, n))).toEqual([0, 0]);
    expect(extender.isAwaitingPod(forged)).toBe(true);
  });

  it("a made-up pod naming a real pending claim does not pin it: the claim's own pod still gets the room", () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/data', 'lvm', '80Gi'), 0);
    state.upsertPvc(pvc('ns/other', 'lvm', '80Gi'), 0);
    const real = pod('ns/real', ['ns/other']);
    state.upsertPod(real, 0);
    for (const node of NODES) expect(extender.filter(extenderArgsSchema.parse({ Pod: pod('ns/forged', ['ns/other']), NodeNames: [node] }), 0).NodeNames).toEqual([]);
    expect(state.planOf('ns/other')).toBeUndefined();
    expect(extender.filter(filterArgs(real), 0).NodeNames).toHaveLength(1);
  });

  it("a request with a real pod's UID is planned from the informer's pod, not from the request's spec", () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/data', 'lvm', '10Gi'), 0);
    const real = pod('ns/web', ['ns/data']);
    state.upsertPod(real, 0);
    // Same identity, but the request claims a 95Gi inline volume as well.
    const inflated: PodShape = { ...real, spec: { ...real.spec, volumes: [...(real.spec?.volumes ?? []), inlineVolume('big', { vgName: 'pool', size: '95Gi' })] } };
    const [node = ''] = extender.filter(filterArgs(inflated), 0).NodeNames ?? [];
    expect(NODES).toContain(node);
    expect(usedBytes(state, node)).toBe(10 * GI);
  });

  it('a pod the informer delivers is planned as before', () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/data', 'lvm', '10Gi'), 0);
    const real = pod('ns/web', ['ns/data']);
    expect(extender.isAwaitingPod(real)).toBe(true);
    state.upsertPod(real, 0);
    expect(extender.isAwaitingPod(real)).toBe(false);
    expect(extender.filter(filterArgs(real), 0).NodeNames).toHaveLength(1);
    expect(state.planOf('ns/data')).toMatchObject({ source: 'filter', expiresAtMs: TTL });
  });

  it('without choosing a node nothing is reserved, so unknown pods are filtered as Open-Local did', () => {
    const { state, extender } = setUp(false);
    state.upsertPvc(pvc('ns/data', 'lvm', '10Gi'), 0);
    expect(extender.filter(filterArgs(pod('ns/web', ['ns/data'])), 0).NodeNames).toEqual(NODES);
    expect(NODES.map((n) => usedBytes(state, n))).toEqual([0, 0]);
  });
});

describe('provisioning plans cannot pin claims', () => {
  it('a claim the scheduler has not placed gets an answer but no plan: asking does not pin it', () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/pending', 'lvm', '60Gi'), 0);
    for (let i = 0; i < 3; i += 1) expect(extender.provisioningPlan({ namespace: 'ns', name: 'pending', nodeName: 'n1' }, 1000)).toMatchObject({ node: 'n1', vgName: 'pool' });
    expect(state.planOf('ns/pending')).toBeUndefined();
    expect(usedBytes(state, 'n1')).toBe(0);
    // It still says when the claim would not fit.
    state.upsertPvc(pvc('ns/huge', 'lvm', '160Gi'), 0);
    expect(() => extender.provisioningPlan({ namespace: 'ns', name: 'huge', nodeName: 'n1' }, 1000)).toThrow('Insufficient LVM storage on node n1');
  });

  it("a pod's sibling claims planned with a selected claim expire unless confirmed themselves", () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/a', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
    state.upsertPvc(pvc('ns/b', 'lvm', '20Gi'), 0);
    state.upsertPod(pod('ns/web', ['ns/a', 'ns/b']), 0);
    extender.provisioningPlan({ namespace: 'ns', name: 'a', nodeName: 'n1' }, 1000);
    expect(state.planOf('ns/a')).toMatchObject({ node: 'n1', expiresAtMs: undefined });
    expect(state.planOf('ns/b')).toMatchObject({ node: 'n1', expiresAtMs: 1000 + TTL });
    state.expire(1000 + TTL);
    expect(usedBytes(state, 'n1')).toBe(10 * GI);
  });

  it('a plan for a claim selected on that node lasts until its PV appears', () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/placed', 'lvm', '60Gi', { selectedNode: 'n1' }), 0);
    extender.provisioningPlan({ namespace: 'ns', name: 'placed', nodeName: 'n1' }, 1000);
    expect(state.planOf('ns/placed')).toMatchObject({ node: 'n1', expiresAtMs: undefined });
    state.expire(10 * TTL);
    expect(usedBytes(state, 'n1')).toBe(60 * GI);
  });

  it('a plan on another node than the selected one is refused, naming both, and the charge stays put', () => {
    const { state, extender } = setUp();
    state.upsertPvc(pvc('ns/placed', 'lvm', '60Gi', { selectedNode: 'n1' }), 0);
    const ask = (): unknown => extender.provisioningPlan({ namespace: 'ns', name: 'placed', nodeName: 'n2' }, 1000);
    expect(ask).toThrow(ExtenderError);
    expect(ask).toThrow('persistentvolumeclaim ns/placed is selected for node n1 (annotation volume.kubernetes.io/selected-node), not nodeName n2');
    expect([usedBytes(state, 'n1'), usedBytes(state, 'n2')]).toEqual([60 * GI, 0]);
  });

  it('a claim that does not exist is not found', () => {
    const { extender } = setUp();
    expect(() => extender.provisioningPlan({ namespace: 'ns', name: 'ghost', nodeName: 'n1' }, 0)).toThrow('persistentvolumeclaim ns/ghost not found');
  });
});
