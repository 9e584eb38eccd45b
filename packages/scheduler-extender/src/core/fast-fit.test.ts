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
    const want = placed.ok ? allocationsToScore(view, placed.allocations, strategy) : -1;
    expect(fastLvmScore(view, fast, strategy)).toBe(want);
    // The filter's greedy-only variant either agrees or hands the node to placeVolumes (-1).
    expect([want, -1]).toContain(fastGreedyLvmScore(view, fast, strategy));
  });

  it('leaves pods with exclusive volumes to the full placement', () => {
    expect(prepareFastDemands([{ kind: 'Device', key: 'k', sizeBytes: 1, mediaType: 'ssd' }])).toBeUndefined();
  });
});
