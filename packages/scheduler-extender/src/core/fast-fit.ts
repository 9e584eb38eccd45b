// The hot path of filter and prioritize over thousands of nodes: whether a pod's LVM volumes fit on a node and
// its score, computed in place with no allocation while the greedy order fits. Where it does not, the shared
// rule's exact search decides (issue #20). It follows placeVolumes/allocationsToScore exactly (fast-fit.test.ts
// checks they agree); those build the allocations and reasons for the few nodes that need them.
import { assignVolumeGroups, prepareVgClaims, type PreparedVgClaims } from '@openlocal/crd-types';
import { MAX_SCORE } from './constants.js';
import type { NodeView, Strategy, VolumeDemand } from './types.js';

type LvmDemand = Extract<VolumeDemand, { kind: 'LVM' }>;

/** Demands prepared once per request; `undefined` when the pod has exclusive volumes (slow path only). */
export interface FastDemands {
  named: LvmDemand[];
  unnamed: LvmDemand[];
  /** For the exact search when the greedy order fails. */
  vgClaims: PreparedVgClaims;
}

export function prepareFastDemands(demands: readonly VolumeDemand[]): FastDemands | undefined {
  if (demands.some((d) => d.kind !== 'LVM')) return undefined;
  const lvm = demands as LvmDemand[];
  return {
    named: lvm.filter((d) => d.vgName !== undefined),
    unnamed: lvm.filter((d) => d.vgName === undefined).sort((a, b) => b.sizeBytes - a.sizeBytes),
    vgClaims: prepareVgClaims(lvm),
  };
}

const MAX_VGS = 64;
const used = new Float64Array(MAX_VGS);
const added = new Float64Array(MAX_VGS);

function freeAt(vgs: NodeView['volumeGroups'], index: number): number {
  return (vgs[index]?.capacityBytes ?? 0) - (used[index] ?? 0);
}

function charge(index: number, sizeBytes: number): void {
  used[index] = (used[index] ?? 0) + sizeBytes;
  added[index] = (added[index] ?? 0) + sizeBytes;
}

/** Index of the VG the strategy picks for `sizeBytes` (ties to the first name), or -1. */
function chooseIndex(vgs: NodeView['volumeGroups'], sizeBytes: number, strategy: Strategy): number {
  let best = -1;
  let bestFree = 0;
  for (let i = 0; i < vgs.length; i += 1) {
    const vg = vgs[i] as NodeView['volumeGroups'][number];
    const free = vg.capacityBytes - (used[i] ?? 0);
    if (free < sizeBytes) continue;
    const isBetter = best < 0 || (strategy === 'binpack' ? free < bestFree : free > bestFree) || (free === bestFree && vg.name < (vgs[best]?.name ?? ''));
    if (isBetter) {
      best = i;
      bestFree = free;
    }
  }
  return best;
}

function tryStrategy(view: NodeView, demands: FastDemands, strategy: Strategy): boolean {
  const vgs = view.volumeGroups;
  for (let i = 0; i < vgs.length; i += 1) {
    used[i] = vgs[i]?.usedBytes ?? 0;
    added[i] = 0;
  }
  for (const demand of demands.named) {
    const index = vgs.findIndex((vg) => vg.name === demand.vgName);
    if (index < 0 || freeAt(vgs, index) < demand.sizeBytes) return false;
    charge(index, demand.sizeBytes);
  }
  for (const demand of demands.unnamed) {
    const index = chooseIndex(vgs, demand.sizeBytes, strategy);
    if (index < 0) return false;
    charge(index, demand.sizeBytes);
  }
  return true;
}

/** The node's score 0–10 for the pod's LVM volumes, or -1 if they do not fit. */
export function fastLvmScore(view: NodeView, demands: FastDemands, strategy: Strategy): number {
  const vgs = view.volumeGroups;
  if (vgs.length > MAX_VGS) return -2;
  if (demands.unnamed.length > 0 && vgs.length === 0) return -1;
  if (!isGreedyFit(view, demands, strategy) && !tryExact(view, demands, strategy)) return -1;
  return touchedVgsScore(vgs, strategy);
}

/**
 * The score if the greedy order fits, else -1 without searching further: for the filter, which sends a node
 * the greedy order refuses to placeVolumes anyway (it searches once there and says why), instead of
 * searching twice.
 */
export function fastGreedyLvmScore(view: NodeView, demands: FastDemands, strategy: Strategy): number {
  const vgs = view.volumeGroups;
  if (vgs.length > MAX_VGS) return -2;
  if ((demands.unnamed.length > 0 && vgs.length === 0) || !isGreedyFit(view, demands, strategy)) return -1;
  return touchedVgsScore(vgs, strategy);
}

function isGreedyFit(view: NodeView, demands: FastDemands, strategy: Strategy): boolean {
  return tryStrategy(view, demands, strategy) || (strategy === 'spread' && tryStrategy(view, demands, 'binpack'));
}

/**
 * When the greedy order fails: cheap bounds first (most nodes that refuse a pod fail them), then the shared
 * rule, whose assignment is charged into the scratch arrays so the score is that of the assignment placed.
 */
function tryExact(view: NodeView, demands: FastDemands, strategy: Strategy): boolean {
  const vgs = view.volumeGroups;
  if (!isWithinTotals(vgs, demands)) return false;
  const rooms = vgs.map((vg) => ({ name: vg.name, freeBytes: vg.capacityBytes - vg.usedBytes }));
  const result = assignVolumeGroups({ claims: demands.vgClaims, vgs: rooms, strategy });
  if (!result.ok) return false;
  for (let i = 0; i < vgs.length; i += 1) {
    used[i] = vgs[i]?.usedBytes ?? 0;
    added[i] = 0;
  }
  demands.vgClaims.claims.forEach((claim, i) => charge(result.vgIndexes[i] ?? 0, claim.sizeBytes));
  return true;
}

/** Necessary for any assignment: all claims fit in the total free bytes, and the largest free claim in some VG. */
function isWithinTotals(vgs: NodeView['volumeGroups'], demands: FastDemands): boolean {
  let totalFree = 0;
  let largestFree = 0;
  for (const vg of vgs) {
    const free = vg.capacityBytes - vg.usedBytes;
    totalFree += Math.max(0, free);
    largestFree = Math.max(largestFree, free);
  }
  let totalDemand = 0;
  for (const demand of demands.named) totalDemand += demand.sizeBytes;
  for (const demand of demands.unnamed) totalDemand += demand.sizeBytes;
  return totalDemand <= totalFree && (demands.unnamed[0]?.sizeBytes ?? 0) <= largestFree;
}

/** allocationsToScore's LVM part from the scratch arrays: average fullness (or emptiness) of touched VGs. */
function touchedVgsScore(vgs: NodeView['volumeGroups'], strategy: Strategy): number {
  // A plain loop, not forEach: doubles assigned inside a closure live in its context, and every `sum +=` there
  // allocates a heap number — ~2 MB per 5000-node request, a scavenge every few requests (issue #7).
  let sum = 0;
  let count = 0;
  for (let i = 0; i < vgs.length; i += 1) {
    const vg = vgs[i];
    if (vg === undefined || (added[i] ?? 0) === 0) continue;
    const fullness = vg.capacityBytes === 0 ? 1 : Math.min(1, (used[i] ?? 0) / vg.capacityBytes);
    sum += strategy === 'binpack' ? fullness : 1 - fullness;
    count += 1;
  }
  // `| 0` (the score is 0–10) returns a small integer rather than a float that must be boxed on return.
  return count === 0 ? 0 : Math.floor((sum / count) * MAX_SCORE) | 0;
}
