import type { VgToBeInited } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { planThinPoolInit, type ThinPoolInitStep } from './thin-pool-plan.js';
import { GiB, lv, state, vg } from './test-data.js';

const F = 'spec.resourceToBeInited.vgs[0].thinPools[0]';
const lvm = state({ vgs: [vg('pool', 100 * GiB, 30 * GiB)], lvs: [lv('pool/thin0', 10 * GiB, { isThinPool: true }), lv('pool/user', 5 * GiB)] });

function declare(...pools: { name: string; size: string; overProvisioningRatio?: number }[]): VgToBeInited[] {
  return [{ name: 'pool', devices: ['/dev/loop1'], thinPools: pools }];
}

describe('planThinPoolInit', () => {
  it.each<{ name: string; vgs: VgToBeInited[]; want: (ThinPoolInitStep | { kind: 'refuse'; reason: RegExp })[] }>([
    { name: 'a declared pool the VG lacks is created with its exact size', vgs: declare({ name: 'thin1', size: '20Gi', overProvisioningRatio: 4 }), want: [{ kind: 'create', vgName: 'pool', name: 'thin1', sizeBytes: 20 * GiB }] },
    { name: 'an existing thin pool is left as it is (whatever size it is declared with)', vgs: declare({ name: 'thin0', size: '50Gi' }), want: [{ kind: 'exists', vgName: 'pool', name: 'thin0' }] },
    { name: 'pools of one VG share its free space: the second no longer fits', vgs: declare({ name: 'a', size: '20Gi' }, { name: 'b', size: '20Gi' }), want: [{ kind: 'create', vgName: 'pool', name: 'a', sizeBytes: 20 * GiB }, { kind: 'refuse', reason: /thinPools\[1\]\.size "20Gi" \(21474836480 bytes\) is more than the 10737418240 bytes free in volume group pool/ }] },
    { name: 'a pool of a VG not there yet waits for a later pass', vgs: [{ name: 'new', devices: ['/dev/loop2'], thinPools: [{ name: 't', size: '1Gi' }] }], want: [{ kind: 'wait', vgName: 'new', name: 't' }] },
    { name: 'a size that is no quantity is refused naming the field and value', vgs: declare({ name: 't', size: 'ten gigs' }), want: [{ kind: 'refuse', reason: new RegExp(`^${F.replace(/[[\]]/g, '\\$&')}\\.size "ten gigs" is not a size`) }] },
    { name: 'a zero size is refused', vgs: declare({ name: 't', size: '0' }), want: [{ kind: 'refuse', reason: /thinPools\[0\]\.size "0" must be larger than 0/ }] },
    { name: 'a name lvm would refuse is refused before any command', vgs: declare({ name: 'bad name', size: '1Gi' }), want: [{ kind: 'refuse', reason: /thinPools\[0\]\.name/ }] },
    { name: 'a ratio out of range is refused naming it', vgs: declare({ name: 't', size: '1Gi', overProvisioningRatio: 0.5 }), want: [{ kind: 'refuse', reason: /thinPools\[0\]\.overProvisioningRatio 0\.5 must be a number from 1 to 1000/ }] },
    { name: 'an LV of that name that is no thin pool is never touched', vgs: declare({ name: 'user', size: '1Gi' }), want: [{ kind: 'refuse', reason: /name "user": volume group pool has an LV of that name that is not a thin pool/ }] },
  ])('$name', ({ vgs, want }) => {
    const steps = planThinPoolInit(vgs, lvm);
    expect(steps).toHaveLength(want.length);
    want.forEach((w, i) => {
      if (w.kind === 'refuse' && w.reason instanceof RegExp) {
        expect(steps[i]?.kind).toBe('refuse');
        expect(steps[i]?.kind === 'refuse' ? steps[i].reason : '').toMatch(w.reason);
      } else {
        expect(steps[i]).toEqual(w);
      }
    });
  });
});
