// Node scores 0–10 for a placement. binpack prefers VGs that end up fuller, spread emptier ones; both count
// what is already used on the node plus this pod (Open-Local's extender counted only this pod, §9.1 — its
// framework plugin and this code count both). Anti-affinity keeps pods without a kind off nodes that offer it.
import { MAX_SCORE, MIN_SCORE } from './constants.js';
import type { Allocation, AntiAffinityWeights, NodeView, Strategy, VolumeDemand } from './types.js';

function average(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}

function lvmScore(view: NodeView, allocations: Allocation[], strategy: Strategy): number | undefined {
  const vgs = view.volumeGroups;
  const addedBytes = new Array<number>(vgs.length).fill(0);
  let isAny = false;
  let unknownVgs = 0;
  for (const a of allocations) {
    if (a.kind !== 'LVM' || a.thinPool !== undefined) continue;
    isAny = true;
    const index = vgs.findIndex((vg) => vg.name === a.vgName);
    if (index < 0) unknownVgs += 1;
    else addedBytes[index] = (addedBytes[index] ?? 0) + a.sizeBytes;
  }
  if (!isAny) return undefined;
  // A VG the node does not list counts as full: binpack 1, spread 0.
  const ratios: number[] = Array.from({ length: unknownVgs }, () => (strategy === 'binpack' ? 1 : 0));
  vgs.forEach((vg, i) => {
    const bytes = addedBytes[i] ?? 0;
    if (bytes === 0) return;
    const fullness = vg.capacityBytes === 0 ? 1 : Math.min(1, (vg.usedBytes + bytes) / vg.capacityBytes);
    ratios.push(strategy === 'binpack' ? fullness : 1 - fullness);
  });
  return Math.floor(average(ratios) * MAX_SCORE);
}

/** Thin volumes (issue #17): how full their pools end up against their over-provisioned room (size without a ratio). */
function thinScore(view: NodeView, allocations: Allocation[], strategy: Strategy): number | undefined {
  const ratios: number[] = [];
  for (const pool of view.thinPools ?? []) {
    const added = allocations.reduce((sum, a) => (a.kind === 'LVM' && a.thinPool === pool.name && a.vgName === pool.vgName ? sum + a.sizeBytes : sum), 0);
    if (added === 0) continue;
    const room = pool.sizeBytes * (pool.ratio ?? 1);
    const fullness = room <= 0 ? 1 : Math.min(1, (pool.usedBytes + added) / room);
    ratios.push(strategy === 'binpack' ? fullness : 1 - fullness);
  }
  return ratios.length === 0 ? undefined : Math.floor(average(ratios) * MAX_SCORE);
}

function exclusiveScore(allocations: Allocation[]): number | undefined {
  const ratios: number[] = [];
  for (const a of allocations) {
    // How much of the whole disk or mount point the volume uses: a tight fit scores high.
    if (a.kind !== 'LVM') ratios.push(a.capacityBytes === 0 ? 0 : Math.min(1, a.sizeBytes / a.capacityBytes));
  }
  return ratios.length === 0 ? undefined : Math.floor(average(ratios) * MAX_SCORE);
}

/** Score of a node that can hold the pod's volumes, 0–10. */
export function allocationsToScore(view: NodeView, allocations: Allocation[], strategy: Strategy): number {
  const parts = [lvmScore(view, allocations, strategy), thinScore(view, allocations, strategy), exclusiveScore(allocations)].filter((s) => s !== undefined);
  return clampScore(Math.floor(average(parts)));
}

/**
 * Open-Local's node anti-affinity: for each kind with a weight, a pod that asks for none of it scores the weight
 * on nodes that have no free resource of that kind; the kinds that triggered are averaged.
 */
export function antiAffinityScore(view: NodeView | undefined, demands: readonly VolumeDemand[], weights: AntiAffinityWeights): number {
  const triggered: number[] = [];
  for (const kind of ['MountPoint', 'Device'] as const) {
    const weight = weights[kind] ?? 0;
    if (weight <= 0 || demands.some((d) => d.kind === kind)) continue;
    const resources = view === undefined ? [] : kind === 'Device' ? view.devices : view.mountPoints;
    if (!resources.some((r) => !r.isTaken)) triggered.push(weight);
  }
  return Math.floor(average(triggered));
}

export function clampScore(score: number): number {
  return Math.max(MIN_SCORE, Math.min(MAX_SCORE, score));
}
