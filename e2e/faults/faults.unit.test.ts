import { LV_TAGS } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { killsByKind, planFaults, seededRandom } from './fault-plan.js';
import { accountingProblems, pvsWithoutLv, unnamedLvs, unreportedOrphans, type NlsView, type NodeLv } from './invariants.js';

const TARGETS = ['controller', 'scheduler-extender', 'agent-node-a', 'csi-plugin-node-a', 'csi-provisioner-node-a'];
const INPUT = { seed: 42, cycles: 100, targets: TARGETS, minKillsEach: 2, extraKills: 5, earlyShare: 0.15, keepShare: 0.1, lastKillCycle: 90 };

describe('planFaults', () => {
  it('is the same for the same seed and differs for another', () => {
    expect(planFaults(INPUT)).toEqual(planFaults(INPUT));
    expect(planFaults({ ...INPUT, seed: 43 }).kills).not.toEqual(planFaults(INPUT).kills);
  });

  it('kills every daemon at least minKillsEach times, within the kill window, in cycle order', () => {
    const { kills } = planFaults(INPUT);
    expect(kills).toHaveLength(TARGETS.length * 2 + 5);
    for (const target of TARGETS) expect(kills.filter((k) => k.target === target).length).toBeGreaterThanOrEqual(2);
    expect(kills.every((k) => k.afterCycle >= 1 && k.afterCycle <= 90 && k.delayMs >= 0 && k.delayMs < 2000)).toBe(true);
    expect(kills.map((k) => k.afterCycle)).toEqual([...kills.map((k) => k.afterCycle)].sort((a, b) => a - b));
  });

  it('gives every cycle a mode and a size, in roughly the asked shares', () => {
    const plan = planFaults({ ...INPUT, cycles: 1000, lastKillCycle: 900 });
    expect(plan.modes).toHaveLength(1000);
    const early = plan.modes.filter((m) => m === 'delete-early').length;
    expect(early).toBeGreaterThan(100);
    expect(early).toBeLessThan(200);
    expect(new Set(plan.sizesMiB)).toEqual(new Set([32, 64, 96, 128]));
  });

  it('refuses a kill window outside the run', () => {
    expect(() => planFaults({ ...INPUT, lastKillCycle: 101 })).toThrow('lastKillCycle 101');
  });

  it('seededRandom stays in [0, 1)', () => {
    const random = seededRandom(7);
    const values = Array.from({ length: 1000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('counts kills by daemon kind', () => {
    expect(killsByKind(['agent-node-a', 'agent-node-b', 'controller', 'csi-provisioner-node-c'])).toEqual({ agent: 2, controller: 1, 'csi-provisioner': 1 });
  });
});

const ours = (node: string, name: string, sizeBytes = 10): NodeLv => ({ node, vgName: `vg-${node}`, name, sizeBytes, tags: [LV_TAGS.owner] });

describe('invariants', () => {
  const pvs = [{ name: 'local-1', node: 'a', volumeHandle: 'local-1' }];

  it('finds a PV whose LV is missing, or on another node', () => {
    expect(pvsWithoutLv(pvs, [ours('a', 'local-1')])).toEqual([]);
    expect(pvsWithoutLv(pvs, [ours('b', 'local-1')])).toEqual(['PV local-1 names LV local-1 on a, which lvm does not list']);
  });

  it('an LV of ours without a PV must be in its node\'s NLS orphan list; a foreign LV need not', () => {
    const lvs = [ours('a', 'local-1'), ours('a', 'local-2'), { ...ours('a', 'foreign'), tags: [] }];
    const unnamed = unnamedLvs(lvs, pvs);
    expect(unnamed.map((lv) => lv.name)).toEqual(['local-2']);
    expect(unreportedOrphans(unnamed, [{ node: 'a', vgs: [], orphans: ['local-2'] }])).toEqual([]);
    expect(unreportedOrphans(unnamed, [{ node: 'b', vgs: [], orphans: ['local-2'] }])).toEqual(['LV vg-a/local-2 on a has no PV and is not in the NLS orphan list']);
  });

  it('finds an over-committed VG and an NLS that disagrees with lvm', () => {
    const lvs = [ours('a', 'local-1', 60), ours('a', 'local-2', 50)];
    const nls: NlsView[] = [{ node: 'a', vgs: [{ name: 'vg-a', total: 100, available: 0, lvNames: ['local-1'] }], orphans: [] }];
    expect(accountingProblems([{ node: 'a', name: 'vg-a', sizeBytes: 100, freeBytes: 0 }], lvs, nls)).toEqual([
      'VG vg-a on a is over-committed: LVs 110 bytes > VG 100',
      'VG vg-a on a: LVs 110 + free 0 != size 100',
      'NLS a VG vg-a lists LVs [local-1], lvm [local-1,local-2]',
    ]);
    expect(accountingProblems([{ node: 'a', name: 'vg-a', sizeBytes: 200, freeBytes: 90 }], lvs, [{ ...nls[0]!, vgs: [{ name: 'vg-a', total: 200, available: 90, lvNames: ['local-2', 'local-1'] }] }])).toEqual([]);
  });
});
