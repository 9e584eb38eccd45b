import { describe, expect, it } from 'vitest';
import { assignVolumeGroups, prepareVgClaims, vgSearchNote, VG_ASSIGNMENT_LIMITS, type VgClaim, type VgRoom, type VgStrategy } from './vg-assignment.js';

const GI = 2 ** 30;
const rooms = (free: Record<string, number>): VgRoom[] => Object.entries(free).map(([name, gi]) => ({ name, freeBytes: gi * GI }));
const claim = (gi: number, vgName?: string): VgClaim => ({ sizeBytes: gi * GI, vgName });

/** VG names per claim, in claim order, or the failure with the extent of the search. */
function assign(free: Record<string, number>, claims: VgClaim[], strategy: VgStrategy): string[] | string {
  const vgs = rooms(free);
  const result = assignVolumeGroups({ claims: prepareVgClaims(claims), vgs, strategy });
  if (!result.ok) return `${result.failure.kind} (${result.extent})`;
  return result.vgIndexes.map((i) => `${vgs[i]?.name}:${result.method}`);
}

describe('assignVolumeGroups: where each claim goes', () => {
  it.each<{ name: string; free: Record<string, number>; claims: VgClaim[]; strategy: VgStrategy; want: string[] | string }>([
    { name: 'binpack takes the fullest VG that fits', free: { a: 90, b: 20 }, claims: [claim(10)], strategy: 'binpack', want: ['b:greedy'] },
    { name: 'spread takes the emptiest VG', free: { a: 90, b: 20 }, claims: [claim(10)], strategy: 'spread', want: ['a:greedy'] },
    { name: 'equal free space goes to the first name', free: { b: 50, a: 50 }, claims: [claim(10)], strategy: 'binpack', want: ['a:greedy'] },
    { name: 'a pinned claim stays in its VG', free: { a: 50, b: 50 }, claims: [claim(10, 'b')], strategy: 'binpack', want: ['b:greedy'] },
    {
      name: 'largest first into the fullest VG fails, the exact search packs 5+4+3 twice',
      free: { a: 12, b: 12 },
      claims: [claim(5), claim(5), claim(4), claim(4), claim(3), claim(3)],
      strategy: 'binpack',
      want: ['a:exact', 'b:exact', 'a:exact', 'b:exact', 'a:exact', 'b:exact'],
    },
    {
      name: 'the issue #20 pod: 3 pinned and 5 free claims that neither greedy order places',
      free: { a: 43, b: 30, c: 32 },
      claims: [claim(10, 'a'), claim(10, 'b'), claim(10, 'c'), claim(14), claim(21), claim(15), claim(5), claim(16)],
      strategy: 'spread',
      want: ['a:exact', 'b:exact', 'c:exact', 'a:exact', 'c:exact', 'b:exact', 'b:exact', 'a:exact'],
    },
    { name: 'free claims and no VG at all', free: {}, claims: [claim(0)], strategy: 'binpack', want: 'no-vgs (exhaustive)' },
    { name: 'a pinned claim to a VG the node lacks', free: { a: 50 }, claims: [claim(1, 'z')], strategy: 'binpack', want: 'no-such-vg (exhaustive)' },
    { name: 'a pinned claim larger than its VG', free: { a: 50, b: 100 }, claims: [claim(60, 'a')], strategy: 'spread', want: 'no-room (exhaustive)' },
    { name: 'no assignment of 7+7+7 into 10+10 exists', free: { a: 10, b: 10 }, claims: [claim(7), claim(7), claim(7)], strategy: 'binpack', want: 'no-room (exhaustive)' },
    { name: 'an exactly full VG is a fit', free: { a: 10 }, claims: [claim(6), claim(4)], strategy: 'spread', want: ['a:greedy', 'a:greedy'] },
  ])('$name', ({ free, claims, strategy, want }) => {
    expect(assign(free, claims, strategy)).toEqual(want);
  });
});

describe('assignVolumeGroups: the failure the reason is built from', () => {
  it('names the claim the greedy order refused, the roomiest VG and what this pod had put there', () => {
    const vgs = rooms({ a: 100 });
    const result = assignVolumeGroups({ claims: prepareVgClaims([claim(60), claim(60)]), vgs, strategy: 'binpack' });
    expect(result).toEqual({ ok: false, failure: { kind: 'no-room', claimIndex: 1, vgIndex: 0, chargedBytes: 60 * GI }, extent: 'exhaustive' });
  });
});

describe('assignVolumeGroups: beyond the exact bound', () => {
  // 17 claims of 3 into VGs of 25 and 26: the greedy order packs 8 and 8 and has no room for the 17th; past the
  // limit the search does not run (here no assignment exists either, but the result cannot know that).
  const tooMany = Array.from({ length: VG_ASSIGNMENT_LIMITS.maxFreeClaims + 1 }, () => claim(3));
  const manyVgs = Object.fromEntries(Array.from({ length: VG_ASSIGNMENT_LIMITS.maxVgs + 1 }, (_, i) => [`vg${String(i).padStart(2, '0')}`, 1]));
  it.each<{ name: string; free: Record<string, number>; claims: VgClaim[]; want: string }>([
    { name: 'too many free claims: heuristic only', free: { a: 25, b: 26 }, claims: tooMany, want: 'no-room (too-many-claims)' },
    { name: 'too many VGs: heuristic only', free: manyVgs, claims: [claim(2)], want: 'no-room (too-many-vgs)' },
    {
      name: 'a search that runs out of steps says so',
      // 16 different claims of 100..115 and 15 different VGs of 116..130 (each holds one claim, any one) plus
      // one VG too small: no assignment, the bound prunes only near the leaves and no two claims or VGs are alike.
      free: { tiny: 1, ...Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`v${String(i).padStart(2, '0')}`, 116 + i])) },
      claims: Array.from({ length: 16 }, (_, i) => claim(100 + i)),
      want: 'no-room (step-limit)',
    },
  ])('$name', ({ free, claims, want }) => {
    expect(assign(free, claims, 'binpack')).toEqual(want);
  });

  it.each([
    { name: 'an exhaustive search adds nothing', extent: 'exhaustive' as const, want: '' },
    { name: 'a skipped search says why', extent: 'too-many-claims' as const, want: ' (placement search not exhaustive: more than 16 claims without vgName; only the largest-first heuristic was tried)' },
  ])('$name', ({ extent, want }) => {
    expect(vgSearchNote(extent)).toBe(want);
  });
});
