import { PROVISIONER_NAMES } from '@openlocal/crd-types';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { nls, pod, pvc, storageClass } from '../test-support/builders.js';
import { ClusterState } from '../core/cluster-state.js';
import type { StuckClaim } from '../core/rescue.js';
import { ClaimRescuer, rescueIntervalMs } from './claim-rescuer.js';

function stuckState(): ClusterState {
  const state = new ClusterState({ driverNames: PROVISIONER_NAMES, strategy: 'binpack' });
  state.upsertStorageClass(storageClass('lvm', { volumeType: 'LVM' }));
  state.upsertNls(nls('n2', { vgs: { pool: 100 } }), 0);
  // Selected on n1, which has no NLS (deleted with its Node).
  state.upsertPvc(pvc('ns/c', 'lvm', '10Gi', { selectedNode: 'n1' }), 0);
  state.upsertPod(pod('ns/p', ['ns/c']), 0);
  return state;
}

describe('ClaimRescuer', () => {
  it('removes the annotation once the grace is over, and retries a failed write at the next sweep', async () => {
    const writes: StuckClaim[] = [];
    let isFailing = true;
    const writer = {
      removeSelectedNode: (claim: StuckClaim) => {
        if (isFailing) return Promise.reject(new Error('conflict'));
        writes.push(claim);
        return Promise.resolve();
      },
    };
    const rescuer = new ClaimRescuer({ source: stuckState(), strategy: 'binpack', writer, logger: pino({ level: 'silent' }), graceMs: 2000 });
    expect(await rescuer.sweep(0)).toEqual([]);
    expect(await rescuer.sweep(1999)).toEqual([]);
    expect(await rescuer.sweep(2000)).toEqual([]);
    isFailing = false;
    const released = await rescuer.sweep(2500);
    expect(released.map((c) => [c.claimKey, c.node])).toEqual([['ns/c', 'n1']]);
    expect(writes.map((c) => c.reason)).toEqual([expect.stringContaining('node n1 has no NodeLocalStorage')]);
  });

  it.each([
    { name: 'a quarter of the grace', graceMs: 20_000, want: 5000 },
    { name: 'at least half a second', graceMs: 1000, want: 500 },
    { name: 'at most ten seconds', graceMs: 300_000, want: 10_000 },
  ])('sweeps every $name', ({ graceMs, want }) => {
    expect(rescueIntervalMs(graceMs)).toBe(want);
  });
});
