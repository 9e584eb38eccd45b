// The node-loss recovery loop over an in-memory API: the missing-since clock spans passes, actions are carried
// out in order once the grace has passed, and a Node that comes back stops it.
import type { Clock } from '@openlocal/kube-runtime';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { NodeLossApi, NodeLossSnapshot } from '../adapters/node-loss-api.js';
import { PROVISIONER_PV_FINALIZER } from '../core/node-loss.js';
import { NodeLossRecovery } from './node-loss.js';

function fakeApi(nodes: string[]): NodeLossApi & { calls: string[]; nodes: Set<string> } {
  const state = { calls: [] as string[], nodes: new Set(nodes) };
  const pv = {
    metadata: { name: 'pv-1', finalizers: [PROVISIONER_PV_FINALIZER] },
    spec: {
      csi: { driver: 'local.csi.aliyun.com', volumeHandle: 'pv-1' }, claimRef: { namespace: 'ns', name: 'data' },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-a'] }] }] } },
    },
  };
  return {
    ...state,
    snapshot: async (): Promise<NodeLossSnapshot> => ({
      nodes: new Set(state.nodes), pvs: [pv], claims: [{ metadata: { namespace: 'ns', name: 'data' }, spec: { storageClassName: 'lvm', volumeName: 'pv-1' } }],
      classes: [{ metadata: { name: 'lvm' }, provisioner: 'local.csi.aliyun.com' }],
    }),
    deleteClaim: async (namespace, name) => void state.calls.push(`delete claim ${namespace}/${name}`),
    releasePv: async (name) => void state.calls.push(`release ${name}`),
    deletePv: async (name) => void state.calls.push(`delete pv ${name}`),
  };
}

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return { now: () => now, sleep: async () => true, advance: (ms) => void (now += ms) };
}

describe('NodeLossRecovery', () => {
  it('acts only once the node has been missing for the grace, across passes, in claim-then-PV order', async () => {
    const api = fakeApi(['node-b']);
    const clock = manualClock();
    const recovery = new NodeLossRecovery({ api, clock, logger: pino({ level: 'silent' }), graceMs: 60_000, intervalMs: 1000 });
    expect(await recovery.pass()).toEqual([]);
    clock.advance(59_000);
    expect(await recovery.pass()).toEqual([]);
    clock.advance(1000);
    await recovery.pass();
    expect(api.calls).toEqual(['delete claim ns/data', 'release pv-1', 'delete pv pv-1']);
  });

  it('a node that comes back within the grace restarts the clock', async () => {
    const api = fakeApi([]);
    const clock = manualClock();
    const recovery = new NodeLossRecovery({ api, clock, logger: pino({ level: 'silent' }), graceMs: 60_000, intervalMs: 1000 });
    await recovery.pass();
    clock.advance(50_000);
    api.nodes.add('node-a');
    await recovery.pass();
    api.nodes.delete('node-a');
    clock.advance(50_000);
    expect(await recovery.pass()).toEqual([]);
    expect(api.calls).toEqual([]);
  });
});
