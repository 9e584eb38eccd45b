// Which VG each of a pod's LVM claims goes to on one node: the one rule the scheduler extender (filter, score,
// provisioning plan) and the CSI plugin (its own choice without a plan) share. Complete up to a bound (#20).
import { searchExact } from './vg-exact-search.js';

/** One VG's room for the claims being placed. */
export interface VgRoom {
  name: string;
  /** Bytes still free for these claims (capacity minus what is already charged). */
  freeBytes: number;
}

/** One LVM claim: pinned to `vgName` (its StorageClass's parameter), or free to go to any VG. */
export interface VgClaim {
  sizeBytes: number;
  vgName?: string | undefined;
}

/** binpack prefers the fullest VG that fits, spread the emptiest; both only choose among assignments that fit. */
export type VgStrategy = 'binpack' | 'spread';

/** Up to these sizes the search is exact; beyond them only the greedy order runs, and the result says so. */
export const VG_ASSIGNMENT_LIMITS = { maxFreeClaims: 16, maxVgs: 16, maxSteps: 20_000 } as const;

/** Claims split and sorted once, for a pod placed on many nodes. Build with {@link prepareVgClaims}. */
export interface PreparedVgClaims {
  /** Indexes into `claims` of pinned claims, in pod order. */
  readonly pinned: readonly number[];
  /** Indexes into `claims` of free claims, largest first (pod order among equals). */
  readonly free: readonly number[];
  readonly claims: readonly VgClaim[];
}

/** Why no assignment was found. `vgIndex`/`chargedBytes`: the VG that refused the claim and what this pod had put there. */
export type VgAssignmentFailure =
  | { kind: 'no-vgs' }
  | { kind: 'no-such-vg'; claimIndex: number; vgName: string }
  | { kind: 'no-room'; claimIndex: number; vgIndex: number; chargedBytes: number };

/** How far the search went: `exhaustive` proves no assignment exists; the others only that the greedy order found none. */
export type VgSearchExtent = 'exhaustive' | 'too-many-claims' | 'too-many-vgs' | 'step-limit';

/** `vgIndexes[i]` is the index into `vgs` of `claims[i]`'s VG; `method` says which pass found it. */
export type VgAssignment =
  | { ok: true; vgIndexes: number[]; method: 'greedy' | 'exact' }
  | { ok: false; failure: VgAssignmentFailure; extent: VgSearchExtent };

/** Splits `claims` into pinned (pod order) and free (largest first) once; reuse the result across nodes. */
export function prepareVgClaims(claims: readonly VgClaim[]): PreparedVgClaims {
  const indexes = claims.map((_, i) => i);
  const sizeOf = (i: number): number => claims[i]?.sizeBytes ?? 0;
  return {
    claims,
    pinned: indexes.filter((i) => claims[i]?.vgName !== undefined),
    free: indexes.filter((i) => claims[i]?.vgName === undefined).sort((a, b) => sizeOf(b) - sizeOf(a) || a - b),
  };
}

/**
 * Assigns every claim a VG on one node. First the greedy order (pinned claims, then free ones largest first
 * into the VG the strategy picks; spread retries with binpack's picks), which is what the strategy prefers
 * when it fits. If it does not, a branch-and-bound search over all assignments finds one whenever one exists,
 * up to {@link VG_ASSIGNMENT_LIMITS}; past them the result's `extent` says the answer is the heuristic's.
 * The failure describes the greedy order's first refusal, so reasons read the same whichever pass ran.
 */
export function assignVolumeGroups(request: { claims: PreparedVgClaims; vgs: readonly VgRoom[]; strategy: VgStrategy }): VgAssignment {
  const { claims, vgs, strategy } = request;
  if (claims.free.length > 0 && vgs.length === 0) return { ok: false, failure: { kind: 'no-vgs' }, extent: 'exhaustive' };
  // `afterPinned` is charged once; the greedy passes work on `free`, reset from it (this runs per node per filter).
  const afterPinned = vgs.map((vg) => vg.freeBytes);
  const chosen = new Array<number>(claims.claims.length).fill(-1);
  const pinnedFailure = chargePinned(claims, vgs, { free: afterPinned, chosen });
  if (pinnedFailure !== null) return { ok: false, failure: pinnedFailure, extent: 'exhaustive' };
  const room = { vgs, free: [...afterPinned] };
  const failure = placeFreeGreedily(claims, { room, chosen }, strategy);
  if (failure === null) return { ok: true, vgIndexes: chosen, method: 'greedy' };
  if (strategy === 'spread') {
    afterPinned.forEach((free, i) => (room.free[i] = free));
    if (placeFreeGreedily(claims, { room, chosen }, 'binpack') === null) return { ok: true, vgIndexes: chosen, method: 'greedy' };
  }
  return searchAll({ claims, vgs, strategy, afterPinned, chosen }, failure);
}

/** Charges pinned claims to their VGs into `free`, or says which one cannot be. */
function chargePinned(prepared: PreparedVgClaims, vgs: readonly VgRoom[], state: { free: number[]; chosen: number[] }): VgAssignmentFailure | null {
  for (const claimIndex of prepared.pinned) {
    const claim = prepared.claims[claimIndex] as VgClaim;
    const vgName = claim.vgName ?? '';
    const vgIndex = vgs.findIndex((vg) => vg.name === vgName);
    if (vgIndex < 0) return { kind: 'no-such-vg', claimIndex, vgName };
    const free = state.free[vgIndex] ?? 0;
    if (free < claim.sizeBytes) return { kind: 'no-room', claimIndex, vgIndex, chargedBytes: (vgs[vgIndex]?.freeBytes ?? 0) - free };
    state.free[vgIndex] = free - claim.sizeBytes;
    state.chosen[claimIndex] = vgIndex;
  }
  return null;
}

interface Room {
  vgs: readonly VgRoom[];
  free: number[];
}

/** Free claims largest first, each into the VG the strategy picks; the refusal of the first that fits nowhere. */
function placeFreeGreedily(prepared: PreparedVgClaims, { room, chosen }: { room: Room; chosen: number[] }, strategy: VgStrategy): VgAssignmentFailure | null {
  for (const claimIndex of prepared.free) {
    const sizeBytes = prepared.claims[claimIndex]?.sizeBytes ?? 0;
    const vgIndex = chooseVgIndex(room, sizeBytes, strategy);
    if (vgIndex < 0) return refusal(room, claimIndex);
    room.free[vgIndex] = (room.free[vgIndex] ?? 0) - sizeBytes;
    chosen[claimIndex] = vgIndex;
  }
  return null;
}

/** A free claim no VG has room for is blamed on the roomiest VG, as Open-Local's reason does. */
function refusal(room: Room, claimIndex: number): VgAssignmentFailure {
  const roomiest = chooseVgIndex(room, 0, 'spread');
  const chargedBytes = (room.vgs[roomiest]?.freeBytes ?? 0) - (room.free[roomiest] ?? 0);
  return { kind: 'no-room', claimIndex, vgIndex: roomiest, chargedBytes };
}

/** The VG the strategy picks for `sizeBytes` (binpack: least free that fits; spread: most free; ties: first name), or -1. */
function chooseVgIndex(room: { vgs: readonly VgRoom[]; free: readonly number[] }, sizeBytes: number, strategy: VgStrategy): number {
  let best = -1;
  for (let i = 0; i < room.vgs.length; i += 1) {
    if ((room.free[i] ?? 0) >= sizeBytes && (best < 0 || isPreferred(room, [i, best], strategy))) best = i;
  }
  return best;
}

/** Whether VG `a` beats VG `b` for the strategy, ties to the first name. */
function isPreferred(room: { vgs: readonly VgRoom[]; free: readonly number[] }, [a, b]: [number, number], strategy: VgStrategy): boolean {
  const byFree = (room.free[a] ?? 0) - (room.free[b] ?? 0);
  if (byFree !== 0) return strategy === 'binpack' ? byFree < 0 : byFree > 0;
  return (room.vgs[a]?.name ?? '') < (room.vgs[b]?.name ?? '');
}

interface SearchRequest {
  claims: PreparedVgClaims;
  vgs: readonly VgRoom[];
  strategy: VgStrategy;
  /** Free bytes per VG after the pinned claims. */
  afterPinned: number[];
  /** Pinned claims' VGs already set; the free claims' are filled in. */
  chosen: number[];
}

/** The exact pass, after the greedy order refused `failure`'s claim: pinned claims are fixed, free ones searched. */
function searchAll(request: SearchRequest, failure: VgAssignmentFailure): VgAssignment {
  const { claims: prepared, vgs, strategy, chosen } = request;
  if (prepared.free.length > VG_ASSIGNMENT_LIMITS.maxFreeClaims) return { ok: false, failure, extent: 'too-many-claims' };
  if (vgs.length > VG_ASSIGNMENT_LIMITS.maxVgs) return { ok: false, failure, extent: 'too-many-vgs' };
  const sizes = prepared.free.map((i) => prepared.claims[i]?.sizeBytes ?? 0);
  const found = searchExact({ sizes, free: request.afterPinned, rank: nameRanks(vgs), isBinpack: strategy === 'binpack', maxSteps: VG_ASSIGNMENT_LIMITS.maxSteps });
  if (found === 'step-limit') return { ok: false, failure, extent: 'step-limit' };
  if (found === null) return { ok: false, failure, extent: 'exhaustive' };
  prepared.free.forEach((claimIndex, i) => {
    chosen[claimIndex] = found[i] ?? -1;
  });
  return { ok: true, vgIndexes: chosen, method: 'exact' };
}

/** Each VG's position in name order (equal names by index), counted rather than sorted: ≤ 16 VGs, per node. */
function nameRanks(vgs: readonly VgRoom[]): number[] {
  return vgs.map((vg, i) => {
    let rank = 0;
    vgs.forEach((other, j) => {
      if (other.name < vg.name || (other.name === vg.name && j < i)) rank += 1;
    });
    return rank;
  });
}

const EXTENT_NOTES: Record<Exclude<VgSearchExtent, 'exhaustive'>, string> = {
  'too-many-claims': `more than ${VG_ASSIGNMENT_LIMITS.maxFreeClaims} claims without vgName`,
  'too-many-vgs': `more than ${VG_ASSIGNMENT_LIMITS.maxVgs} VGs on the node`,
  'step-limit': `no assignment within ${VG_ASSIGNMENT_LIMITS.maxSteps} search steps`,
};

/**
 * The sentence to append to a failure's reason when the search was not exhaustive (empty when it was): the
 * user must know a fitting assignment may still exist.
 */
export function vgSearchNote(extent: VgSearchExtent): string {
  if (extent === 'exhaustive') return '';
  return ` (placement search not exhaustive: ${EXTENT_NOTES[extent]}; only the largest-first heuristic was tried)`;
}
