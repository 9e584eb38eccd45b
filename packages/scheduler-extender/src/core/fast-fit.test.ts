import { describe, expect, it } from 'vitest';
import { fastGreedyLvmScore, fastLvmScore, prepareFastDemands } from './fast-fit.js';
import { placeVolumes } from './placement.js';
import { allocationsToScore } from './score.js';
import type { NodeView, Strategy, VolumeDemand } from './types.js';

const GI = 2 ** 30;

// A deterministic pseudo-random generator, so the agreement cases are the same on every run.
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function randomCase(seed: number): { view: NodeView; demands: VolumeDemand[] } {
  const random = generator(seed);
  const vgCount = Math.floor(random() * 4);
  const volumeGroups = Array.from({ length: vgCount }, (_, i) => {
    const capacityBytes = Math.floor(random() * 100) * GI;
    return { name: `vg${i}`, capacityBytes, usedBytes: Math.floor(random() * capacityBytes) };
  });
  const demands: VolumeDemand[] = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => {
    const sizeBytes = Math.floor(random() * 60) * GI;
    return random() < 0.2 ? { kind: 'LVM', key: `ns/c${i}`, sizeBytes, vgName: `vg${Math.floor(random() * 4)}` } : { kind: 'LVM', key: `ns/c${i}`, sizeBytes };
  });
  return { view: { nodeName: 'n', volumeGroups, devices: [], mountPoints: [] }, demands };
}

describe('fastLvmScore agrees with placeVolumes + allocationsToScore', () => {
  it.each(
    (['binpack', 'spread'] as Strategy[]).flatMap((strategy) => Array.from({ length: 60 }, (_, seed) => ({ name: `${strategy} case ${seed}`, strategy, seed }))),
  )('$name', ({ strategy, seed }) => {
    const { view, demands } = randomCase(seed + 1);
    const fast = prepareFastDemands(demands);
    expect(fast).toBeDefined();
    if (fast === undefined) return;
    const placed = placeVolumes(view, demands, strategy);
    const want = placed.ok ? { kind: 'fits', score: allocationsToScore(view, placed.allocations, strategy) } : { kind: 'no-fit' };
    expect(fastLvmScore(view, fast, strategy)).toEqual(want);
    // The filter's greedy-only variant either agrees or hands the node to placeVolumes (no-fit).
    expect([want, { kind: 'no-fit' }]).toContainEqual(fastGreedyLvmScore(view, fast, strategy));
  });

  it('answers too-many-vgs for a node with more VGs than its scratch holds, so placeVolumes decides', () => {
    const volumeGroups = Array.from({ length: 65 }, (_, i) => ({ name: `vg${i}`, capacityBytes: 100 * GI, usedBytes: 0 }));
    const view: NodeView = { nodeName: 'n', volumeGroups, devices: [], mountPoints: [] };
    const fast = prepareFastDemands([{ kind: 'LVM', key: 'ns/c', sizeBytes: GI }]);
    if (fast === undefined) throw new Error('an LVM-only pod has fast demands');
    expect(fastLvmScore(view, fast, 'binpack')).toEqual({ kind: 'too-many-vgs' });
    expect(fastGreedyLvmScore(view, fast, 'binpack')).toEqual({ kind: 'too-many-vgs' });
    // 64 VGs still go the fast way.
    expect(fastLvmScore({ ...view, volumeGroups: volumeGroups.slice(0, 64) }, fast, 'binpack').kind).toBe('fits');
  });

  it('keeps its scratch per request: one request between two calls of another does not change its answer', () => {
    const full: NodeView = { nodeName: 'n', volumeGroups: [{ name: 'vg0', capacityBytes: 10 * GI, usedBytes: 9 * GI }], devices: [], mountPoints: [] };
    const roomy: NodeView = { nodeName: 'm', volumeGroups: [{ name: 'vg0', capacityBytes: 100 * GI, usedBytes: 0 }], devices: [], mountPoints: [] };
    const first = prepareFastDemands([{ kind: 'LVM', key: 'ns/a', sizeBytes: 5 * GI }]);
    const second = prepareFastDemands([{ kind: 'LVM', key: 'ns/b', sizeBytes: 50 * GI }]);
    if (first === undefined || second === undefined) throw new Error('LVM-only pods have fast demands');
    const before = fastLvmScore(roomy, first, 'binpack');
    expect(fastLvmScore(full, second, 'binpack')).toEqual({ kind: 'no-fit' });
    expect(fastLvmScore(roomy, first, 'binpack')).toEqual(before);
    expect(before).toEqual({ kind: 'fits', score: 0 });
  });

  it('leaves pods with exclusive volumes to the full placement', () => {
    expect(prepareFastDemands([{ kind: 'Device', key: 'k', sizeBytes: 1, mediaType: 'ssd' }])).toBeUndefined();
  });
});
