import { describe, expect, it } from 'vitest';
import { chooseExclusive, chooseVg, stripeCount, type ExclusiveCandidate, type VgView } from './placement.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;
const vg = (name: string, freeGiB: number): VgView => ({ name, sizeBytes: 100 * GiB, freeBytes: freeGiB * GiB, extentSizeBytes: 4 * MiB });

describe('chooseVg', () => {
  const vgs = [vg('pool-a', 10), vg('pool-b', 3), vg('pool-c', 5)];

  it.each([
    { name: 'best fit picks the fullest VG that still fits', size: 4 * GiB, vgName: undefined, want: 'pool-c' },
    { name: 'a small volume goes to the fullest VG', size: 1 * GiB, vgName: undefined, want: 'pool-b' },
    { name: 'a named VG wins over best fit', size: 1 * GiB, vgName: 'pool-a', want: 'pool-a' },
    { name: 'a VG with exactly the size free is the best fit (the extender\'s rule, #20)', size: 3 * GiB, vgName: undefined, want: 'pool-b' },
  ])('$name', ({ size, vgName, want }) => {
    expect(chooseVg({ vgs, sizeBytes: size, vgName, vgNameField: 'parameters["vgName"]' }).name).toBe(want);
  });

  it('refuses an unknown vgName naming the field', () => {
    expect(() => chooseVg({ vgs, sizeBytes: GiB, vgName: 'nope', vgNameField: 'parameters["vgName"]' })).toThrow(
      'invalid parameters["vgName"] "nope": no such volume group on this node',
    );
  });

  it.each([
    { name: 'the named VG is too small', vgName: 'pool-b', want: /pool-b has 3221225472 bytes free, 5368709120 requested/ },
    { name: 'no VG is big enough', vgName: undefined, want: /no volume group on this node has 53687091200 bytes free \(largest free: 10737418240, 3 VGs\)/ },
  ])('reports NO_SPACE when $name', ({ vgName, want }) => {
    const size = vgName === undefined ? 50 * GiB : 5 * GiB;
    expect(() => chooseVg({ vgs, sizeBytes: size, vgName, vgNameField: 'f' })).toThrow(want);
  });
});

describe('stripeCount', () => {
  const pool = vg('pool', 30);
  it.each([
    { name: 'three PVs with room each take a third', frees: [10, 10, 10], size: 9, want: 3 },
    { name: 'a nearly full PV is left out', frees: [10, 10, 0.5], size: 9, want: 2 },
    { name: 'a VG with one PV cannot stripe', frees: [10], size: 9, want: 1 },
  ])('$name', ({ frees, size, want }) => {
    const pvs = frees.map((f) => ({ vgName: 'pool', freeBytes: f * GiB }));
    expect(stripeCount([...pvs, { vgName: 'other', freeBytes: 100 * GiB }], pool, size * GiB)).toBe(want);
  });
});

describe('chooseExclusive', () => {
  const disks: ExclusiveCandidate[] = [
    { path: '/dev/sdb', sizeBytes: 100 * GiB, mediaType: 'hdd' },
    { path: '/dev/sdc', sizeBytes: 50 * GiB, mediaType: 'hdd' },
    { path: '/dev/sdd', sizeBytes: 20 * GiB, mediaType: 'ssd' },
    { path: '/dev/sde', sizeBytes: 60 * GiB, mediaType: 'hdd' },
  ];
  const base = { candidates: disks, takenPaths: new Set<string>(), mediaType: 'hdd' as const, limitBytes: 0, kind: 'disk' as const };

  it.each([
    { name: 'the smallest hdd that fits', required: 40, taken: [], want: '/dev/sdc' },
    { name: 'skips a taken disk', required: 40, taken: ['/dev/sdc'], want: '/dev/sde' },
    { name: 'with no size, the smallest free disk', required: 0, taken: [], want: '/dev/sdc' },
  ])('$name', ({ required, taken, want }) => {
    expect(chooseExclusive({ ...base, requiredBytes: required * GiB, takenPaths: new Set(taken) }).path).toBe(want);
  });

  it('never hands out a disk above the limit', () => {
    expect(() => chooseExclusive({ ...base, requiredBytes: 55 * GiB, limitBytes: 58 * GiB })).toThrow(/no free hdd disk of at least 59055800320 bytes and at most 62277025792/);
  });

  it('reports NO_SPACE for a media type that has no free disk', () => {
    expect(() => chooseExclusive({ ...base, mediaType: 'ssd', requiredBytes: 30 * GiB })).toThrow(/no free ssd disk/);
  });

  it('refuses a planned disk that is taken', () => {
    expect(() => chooseExclusive({ ...base, requiredBytes: GiB, plannedPath: '/dev/sdb', takenPaths: new Set(['/dev/sdb']) })).toThrow(/planned disk \/dev\/sdb is not free/);
  });
});
