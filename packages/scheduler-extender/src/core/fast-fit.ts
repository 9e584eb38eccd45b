// The hot path of filter and prioritize over thousands of nodes: whether a pod's LVM volumes fit on a node and
// its score, computed in place with no allocation while the greedy order fits. Where it does not, the shared
// rule's exact search decides (issue #20). It follows placeVolumes/allocationsToScore exactly (fast-fit.test.ts
// checks they agree); those build the allocations and reasons for the few nodes that need them.
//
// Each answer is a FastFit (below). The scratch arrays the greedy order charges into belong to the request's
// FastDemands, not to the module, so two requests never share them.
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
  /** Scratch, per VG index of the node being looked at: bytes used with the pod's volumes, and the pod's share. */
  used: Float64Array;
  added: Float64Array;
}

/**
 * What the fast path says about one node:
 * - `fits`: the pod's LVM volumes fit; `score` is the node's score 0–10 (allocationsToScore's LVM part).
 * - `no-fit`: they do not fit. From fastGreedyLvmScore: the greedy order does not fit them, and only
 *   placeVolumes can say whether the exact search does (and why not).
 * - `too-many-vgs`: the node has more VGs than the scratch holds (MAX_VGS); placeVolumes decides.
 * The answers are shared frozen objects: the hot loop over thousands of nodes allocates nothing.
 */
export type FastFit = { readonly kind: 'fits'; readonly score: number } | { readonly kind: 'no-fit' } | { readonly kind: 'too-many-vgs' };

const NO_FIT: FastFit = Object.freeze({ kind: 'no-fit' });
const TOO_MANY_VGS: FastFit = Object.freeze({ kind: 'too-many-vgs' });
const FITS: readonly FastFit[] = Array.from({ length: MAX_SCORE + 1 }, (_, score) => Object.freeze({ kind: 'fits', score }));

function fits(score: number): FastFit {
  return FITS[score] ?? Object.freeze({ kind: 'fits', score });
}

const MAX_VGS = 64;

export function prepareFastDemands(demands: readonly VolumeDemand[]): FastDemands | undefined {
  // Thin, restored and cloned volumes (issue #17) take the slow path: pools and pins are placement.ts's.
  if (demands.some((d) => d.kind !== 'LVM' || d.thinPool !== undefined || d.source !== undefined)) return undefined;
  const lvm = demands as LvmDemand[];
  return {
    named: lvm.filter((d) => d.vgName !== undefined),
    unnamed: lvm.filter((d) => d.vgName === undefined).sort((a, b) => b.sizeBytes - a.sizeBytes),
    vgClaims: prepareVgClaims(lvm),
    used: new Float64Array(MAX_VGS),
    added: new Float64Array(MAX_VGS),
  };
}

function charge(demands: FastDemands, index: number, sizeBytes: number): void {
  demands.used[index] = (demands.used[index] ?? 0) + sizeBytes;
  demands.added[index] = (demands.added[index] ?? 0) + sizeBytes;
}

function resetScratch(vgs: NodeView['volumeGroups'], demands: FastDemands): void {
  for (let i = 0; i < vgs.length; i += 1) {
    demands.used[i] = vgs[i]?.usedBytes ?? 0;
    demands.added[i] = 0;
  }
}

/** Index of the VG the strategy picks for `sizeBytes` (ties to the first name), or -1 (an index, not an answer). */
function chooseIndex(vgs: NodeView['volumeGroups'], used: Float64Array, sizeBytes: number, strategy: Strategy): number {
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
  resetScratch(vgs, demands);
  for (const demand of demands.named) {
    const index = vgs.findIndex((vg) => vg.name === demand.vgName);
    if (index < 0 || (vgs[index]?.capacityBytes ?? 0) - (demands.used[index] ?? 0) < demand.sizeBytes) return false;
    charge(demands, index, demand.sizeBytes);
  }
  for (const demand of demands.unnamed) {
    const index = chooseIndex(vgs, demands.used, demand.sizeBytes, strategy);
    if (index < 0) return false;
    charge(demands, index, demand.sizeBytes);
  }
  return true;
}

/** Whether the pod's LVM volumes fit on the node (greedy order, else the exact search), and its score. */
export function fastLvmScore(view: NodeView, demands: FastDemands, strategy: Strategy): FastFit {
  const vgs = view.volumeGroups;
  if (vgs.length > MAX_VGS) return TOO_MANY_VGS;
  if (demands.unnamed.length > 0 && vgs.length === 0) return NO_FIT;
  if (!isGreedyFit(view, demands, strategy) && !tryExact(view, demands, strategy)) return NO_FIT;
  return fits(touchedVgsScore(vgs, demands, strategy));
}

/**
 * `fits` if the greedy order fits, else `no-fit` without searching further: for the filter, which sends a node
 * the greedy order refuses to placeVolumes anyway (it searches once there and says why), instead of
 * searching twice.
 */
export function fastGreedyLvmScore(view: NodeView, demands: FastDemands, strategy: Strategy): FastFit {
  const vgs = view.volumeGroups;
  if (vgs.length > MAX_VGS) return TOO_MANY_VGS;
  if ((demands.unnamed.length > 0 && vgs.length === 0) || !isGreedyFit(view, demands, strategy)) return NO_FIT;
  return fits(touchedVgsScore(vgs, demands, strategy));
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
  resetScratch(vgs, demands);
  demands.vgClaims.claims.forEach((claim, i) => charge(demands, result.vgIndexes[i] ?? 0, claim.sizeBytes));
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
function touchedVgsScore(vgs: NodeView['volumeGroups'], demands: FastDemands, strategy: Strategy): number {
  const { used, added } = demands;
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
