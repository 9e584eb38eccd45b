// Node-loss recovery decisions: which claims and PVs go when a Node is deleted for good, and which never do.
import { describe, expect, it } from 'vitest';
import { nodesReferenced, planNodeLoss, PROVISIONER_PV_FINALIZER, trackMissingNodes, type ClaimLike, type NodeLossInput, type PvWithMeta } from './node-loss.js';

const MIN = 60_000;

function pv(name: string, node: string, options: { driver?: string; claim?: string; finalizers?: string[]; deleting?: boolean } = {}): PvWithMeta {
  const [namespace, claimName] = (options.claim ?? '').split('/');
  return {
    metadata: { name, finalizers: options.finalizers ?? [], ...(options.deleting === true ? { deletionTimestamp: '2026-12-03T00:00:00Z' } : {}) },
    spec: {
      csi: { driver: options.driver ?? 'local.csi.aliyun.com', volumeHandle: name, volumeAttributes: { volumeType: 'LVM', vgName: 'pool' } },
      ...(options.claim === undefined ? {} : { claimRef: { namespace, name: claimName } }),
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  } as PvWithMeta;
}

function claim(ref: string, options: { volume?: string; sc?: string; selected?: string; deleting?: boolean } = {}): ClaimLike {
  const [namespace, name] = ref.split('/');
  return {
    metadata: {
      namespace, name,
      annotations: options.selected === undefined ? {} : { 'volume.kubernetes.io/selected-node': options.selected },
      ...(options.deleting === true ? { deletionTimestamp: '2026-12-03T00:00:00Z' } : {}),
    },
    spec: { storageClassName: options.sc ?? 'open-local-lvm', ...(options.volume === undefined ? {} : { volumeName: options.volume }) },
  };
}

function input(overrides: Partial<NodeLossInput>): NodeLossInput {
  return {
    nodes: new Set(['node-b']),
    missingSince: new Map([['node-a', 0]]),
    nowMs: 10 * MIN,
    graceMs: 5 * MIN,
    pvs: [],
    claims: [],
    ourClasses: new Set(['open-local-lvm']),
    ...overrides,
  };
}

describe('planNodeLoss', () => {
  it.each([
    {
      name: 'a claim bound to our PV on the lost node is deleted, and the PV released and deleted',
      given: { pvs: [pv('pv-1', 'node-a', { claim: 'ns/data-web-0', finalizers: [PROVISIONER_PV_FINALIZER, 'kubernetes.io/pv-protection'] })], claims: [claim('ns/data-web-0', { volume: 'pv-1', selected: 'node-a' })] },
      want: [
        { kind: 'delete-claim', node: 'node-a', namespace: 'ns', name: 'data-web-0', reason: 'bound to local volume pv-1 on node node-a, which was deleted' },
        { kind: 'release-pv', node: 'node-a', name: 'pv-1' },
        { kind: 'delete-pv', node: 'node-a', name: 'pv-1' },
      ],
    },
    {
      name: 'nothing happens before the grace has passed',
      given: { nowMs: 4 * MIN, pvs: [pv('pv-1', 'node-a', { claim: 'ns/c' })], claims: [claim('ns/c', { volume: 'pv-1' })] },
      want: [],
    },
    {
      name: 'a node that exists again is not lost, whatever the clock says',
      given: { nodes: new Set(['node-a', 'node-b']), pvs: [pv('pv-1', 'node-a', { claim: 'ns/c' })], claims: [claim('ns/c', { volume: 'pv-1' })] },
      want: [],
    },
    {
      name: 'claims and PVs of a node that still exists are never touched',
      given: { pvs: [pv('pv-b', 'node-b', { claim: 'ns/c' })], claims: [claim('ns/c', { volume: 'pv-b', selected: 'node-b' })] },
      want: [],
    },
    {
      name: 'a PV of another driver on the lost node and its claim are never touched',
      given: { pvs: [pv('pv-x', 'node-a', { driver: 'topolvm.io', claim: 'ns/c' })], claims: [claim('ns/c', { volume: 'pv-x', sc: 'topolvm', selected: 'node-a' })] },
      want: [],
    },
    {
      name: 'a pending claim of our class placed on the lost node is deleted (TopoLVM deletes those too)',
      given: { claims: [claim('ns/pending', { selected: 'node-a' })] },
      want: [{ kind: 'delete-claim', node: 'node-a', namespace: 'ns', name: 'pending', reason: 'waits for a local volume on node node-a, which was deleted' }],
    },
    {
      name: 'a pending claim of another class placed on the lost node is not',
      given: { claims: [claim('ns/other', { selected: 'node-a', sc: 'standard' })] },
      want: [],
    },
    {
      name: 'objects already being deleted get no second delete; a deleting PV still gets its finalizer released',
      given: { pvs: [pv('pv-1', 'node-a', { claim: 'ns/c', finalizers: [PROVISIONER_PV_FINALIZER], deleting: true })], claims: [claim('ns/c', { volume: 'pv-1', deleting: true })] },
      want: [{ kind: 'release-pv', node: 'node-a', name: 'pv-1' }],
    },
    {
      name: 'a released PV without a claim is deleted; without the provisioner finalizer nothing is released',
      given: { pvs: [pv('pv-1', 'node-a', { finalizers: ['kubernetes.io/pv-protection'] })] },
      want: [{ kind: 'delete-pv', node: 'node-a', name: 'pv-1' }],
    },
  ])('$name', ({ given, want }) => {
    expect(planNodeLoss(input(given))).toEqual(want);
  });
});

describe('trackMissingNodes', () => {
  it.each([
    { name: 'a referenced node without a Node object starts its clock now', previous: [], existing: ['node-b'], referenced: ['node-a', 'node-b'], want: [['node-a', 7]] },
    { name: 'a node still missing keeps the time it was first seen missing', previous: [['node-a', 3]], existing: [], referenced: ['node-a'], want: [['node-a', 3]] },
    { name: 'a node that came back is forgotten (its clock restarts if it goes again)', previous: [['node-a', 3]], existing: ['node-a'], referenced: ['node-a'], want: [] },
    { name: 'a node nothing of ours points at any more is forgotten', previous: [['node-a', 3]], existing: [], referenced: [], want: [] },
  ])('$name', ({ previous, existing, referenced, want }) => {
    const next = trackMissingNodes(new Map(previous as [string, number][]), { existing: new Set(existing), referenced: new Set(referenced), nowMs: 7 });
    expect([...next]).toEqual(want);
  });

  it('counts the nodes of our PVs and of our classes\' placed claims, not those of other drivers or classes', () => {
    const named = nodesReferenced(
      [pv('a', 'node-a'), pv('x', 'node-x', { driver: 'other' })],
      [claim('ns/c', { selected: 'node-c' }), claim('ns/d', { selected: 'node-d', sc: 'standard' })],
      new Set(['open-local-lvm']),
    );
    expect([...named].sort()).toEqual(['node-a', 'node-c']);
  });
});
