// The exact half of VG assignment (issue #20): a branch-and-bound search that finds a way to put free LVM
// claims into VGs whenever one exists, for the pods the greedy order cannot place. Pure and synchronous.

/** What the search works on: free claims largest first, and each VG's free bytes after the pinned claims. */
export interface ExactSearchInput {
  /** Sizes of the free claims, largest first. */
  sizes: readonly number[];
  /** Free bytes per VG (modified during the search, restored before it returns). */
  free: number[];
  /** Each VG's position in name order: the tie-break, and the order that breaks symmetry between equal claims. */
  rank: readonly number[];
  isBinpack: boolean;
  maxSteps: number;
}

/** `vgIndexes[i]` is the VG of `sizes[i]`; `null` when no assignment exists; `'step-limit'` when the search gave up. */
export type ExactSearchOutcome = number[] | null | 'step-limit';

interface SearchState extends ExactSearchInput {
  /** Sum of sizes[d..]: the demand still to place below depth d. */
  remaining: number[];
  chosen: number[];
  steps: number;
}

/**
 * Depth-first over claims (largest first, so failures show early), VGs tried in the strategy's order
 * (binpack: fullest that fits; spread: emptiest), so the first assignment found is the one the strategy
 * prefers among those this order reaches. Pruning keeps it exact:
 * - bound: the demand left must fit in the VGs that can still hold the smallest claim left;
 * - VGs with equal free bytes are interchangeable for the rest of the search: only the first is tried;
 * - equal claims are interchangeable: each goes to a VG at or after its twin's (by name rank).
 */
export function searchExact(input: ExactSearchInput): ExactSearchOutcome {
  const remaining = new Array<number>(input.sizes.length + 1).fill(0);
  for (let d = input.sizes.length - 1; d >= 0; d -= 1) remaining[d] = (remaining[d + 1] ?? 0) + (input.sizes[d] ?? 0);
  // Listed field by field: `{ ...input }` made V8 build a slow-mode object here, 15× the cost of the search itself.
  const { sizes, free, rank, isBinpack, maxSteps } = input;
  const state: SearchState = { sizes, free, rank, isBinpack, maxSteps, remaining, chosen: new Array<number>(sizes.length).fill(-1), steps: 0 };
  const found = descend(state, 0);
  if (found === 'step-limit') return found;
  return found ? [...state.chosen] : null;
}

function descend(state: SearchState, depth: number): boolean | 'step-limit' {
  if (depth === state.sizes.length) return true;
  state.steps += 1;
  if (state.steps > state.maxSteps) return 'step-limit';
  if (!isWithinBound(state, depth)) return false;
  const size = state.sizes[depth] ?? 0;
  // Candidates are found by scanning rather than sorted into an array: this runs on thousands of nodes per
  // filter, and ≤ 16 VGs make a scan per candidate cheaper than allocating.
  for (let vg = nextCandidate(state, depth, Number.NaN); vg >= 0; vg = nextCandidate(state, depth, freeOf(state, vg))) {
    const free = freeOf(state, vg);
    state.free[vg] = free - size;
    state.chosen[depth] = vg;
    const below = descend(state, depth + 1);
    state.free[vg] = free;
    if (below !== false) return below;
  }
  return false;
}

/** The demand left fits in the room of VGs that can still take the smallest claim left (the last one). */
function isWithinBound(state: SearchState, depth: number): boolean {
  const smallest = state.sizes[state.sizes.length - 1] ?? 0;
  let room = 0;
  for (const free of state.free) if (free >= smallest) room += free;
  return (state.remaining[depth] ?? 0) <= room;
}

/**
 * The next VG worth trying for the claim at `depth` after one with `afterFree` free bytes (NaN: the first), in
 * the strategy's order: it can hold the claim, it is at or after its equal twin's VG by name rank, and its
 * free bytes differ from every VG tried before (one of each free size). Of VGs with equal free bytes the
 * lowest-ranked is taken, which the rule for equal claims relies on. -1 when none is left.
 */
function nextCandidate(state: SearchState, depth: number, afterFree: number): number {
  const size = state.sizes[depth] ?? 0;
  const minRank = twinRank(state, depth);
  let best = -1;
  for (let vg = 0; vg < state.free.length; vg += 1) {
    const free = freeOf(state, vg);
    if (free < size || rankOf(state, vg) < minRank || !isAfter(state, free, afterFree)) continue;
    if (best < 0 || isBefore(state, vg, best)) best = vg;
  }
  return best;
}

/** The name rank of the VG the previous claim took if it is the same size (equal claims go in rank order), else -1. */
function twinRank(state: SearchState, depth: number): number {
  if (depth === 0 || state.sizes[depth - 1] !== state.sizes[depth]) return -1;
  return rankOf(state, state.chosen[depth - 1] ?? 0);
}

/** Whether `free` comes after `afterFree` in the strategy's order (everything does after NaN). */
function isAfter(state: SearchState, free: number, afterFree: number): boolean {
  if (Number.isNaN(afterFree)) return true;
  return state.isBinpack ? free > afterFree : free < afterFree;
}

/** Whether VG `a` is tried before VG `b`: binpack the fuller, spread the emptier, then the lower name rank. */
function isBefore(state: SearchState, a: number, b: number): boolean {
  const byFree = freeOf(state, a) - freeOf(state, b);
  if (byFree !== 0) return state.isBinpack ? byFree < 0 : byFree > 0;
  return rankOf(state, a) < rankOf(state, b);
}

const freeOf = (state: SearchState, vg: number): number => state.free[vg] ?? 0;
const rankOf = (state: SearchState, vg: number): number => state.rank[vg] ?? 0;
