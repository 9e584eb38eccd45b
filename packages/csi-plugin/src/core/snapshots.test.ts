import type { LogicalVolume, LvmState } from '@openlocal/lvm';
import { describe, expect, it } from 'vitest';
import { CsiError } from './errors.js';
import {
  cowSizeBytes,
  findReadOnlyRestore,
  growthTags,
  listSnapshotViews,
  overProvisionProblem,
  pageOf,
  planRestore,
  restoreTag,
  snapshotLvName,
  snapshotOf,
  snapshotTags,
  snapshotsOfVolume,
  snapshotsToGrow,
  thinPoolProblem,
} from './snapshots.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

function lv(name: string, more: Partial<LogicalVolume> = {}): LogicalVolume {
  return {
    name,
    vgName: 'vg0',
    uuid: `u-${name}`,
    sizeBytes: GiB,
    attr: '',
    tags: [],
    origin: '',
    poolLv: '',
    isActive: true,
    isThinPool: false,
    isThin: false,
    isSnapshot: false,
    isHidden: false,
    stripes: 1,
    stripeSizeBytes: 0,
    devicePath: `/dev/vg0/${name}`,
    ...more,
  };
}

const cowSnap = lv('snap-1', {
  isSnapshot: true,
  origin: 'local-a',
  sizeBytes: 256 * MiB,
  tags: [...snapshotTags({ name: 'snapshot-1', sourceVolumeId: 'local-a', sizeBytes: GiB, createdSeconds: 1700000000 }), restoreTag('local-r')],
});
const thinSnap = lv('snap-2', {
  isThin: true,
  isSnapshot: true,
  origin: 'local-t',
  poolLv: 'pool0',
  sizeBytes: 2 * GiB,
  tags: snapshotTags({ name: 'snap-2', sourceVolumeId: 'local-t', sizeBytes: 2 * GiB, createdSeconds: 1700000100 }),
});
const state: LvmState = {
  vgs: [],
  pvs: [],
  lvs: [lv('local-a'), cowSnap, lv('local-t', { isThin: true, poolLv: 'pool0', sizeBytes: 2 * GiB }), thinSnap, lv('other-snap', { isSnapshot: true, origin: 'local-a' })],
};

describe('snapshot LVs and their tags', () => {
  it('decodes every fact a later call needs from the tags', () => {
    expect(snapshotOf(cowSnap)).toMatchObject({
      snapshotId: 'snap-1',
      name: 'snapshot-1',
      sourceVolumeId: 'local-a',
      sizeBytes: GiB,
      createdSeconds: 1700000000,
      kind: 'cow',
      restoredAs: ['local-r'],
    });
    expect(snapshotOf(thinSnap)).toMatchObject({ kind: 'thin', sizeBytes: 2 * GiB, restoredAs: [] });
  });

  it('an LV without our snapshot tag is no snapshot of ours, even when lvm calls it one', () => {
    expect(snapshotOf(lv('other-snap', { isSnapshot: true, origin: 'local-a' }))).toBeNull();
    expect(listSnapshotViews(state, /^vg0$/).map((s) => s.snapshotId)).toEqual(['snap-1', 'snap-2']);
    expect(listSnapshotViews(state, /^other$/)).toEqual([]);
  });

  it('finds the snapshot a read-only volume is, and the snapshots of a volume', () => {
    expect(findReadOnlyRestore(state, 'local-r', /^vg0$/)?.snapshotId).toBe('snap-1');
    expect(findReadOnlyRestore(state, 'local-a', /^vg0$/)).toBeUndefined();
    expect(snapshotsOfVolume(state, lv('local-a'), /^vg0$/).map((s) => s.snapshotId)).toEqual(['snap-1']);
  });

  it.each([
    { name: "csi-snapshotter's default snapshot-<uid>", input: 'snapshot-8e2f', want: 'snap-8e2f' },
    { name: 'a plain name', input: 'sanity-snap-1', want: 'sanity-snap-1' },
    { name: 'Open-Local prefix snap-<uid>', input: 'snap-8e2f', want: 'snap-8e2f' },
  ])('LV name for $name', ({ input, want }) => {
    expect(snapshotLvName(input, 'name')).toBe(want);
  });

  it('a snapshot name lvm would refuse is refused naming the field', () => {
    expect(() => snapshotLvName('x_tmeta', 'name')).toThrow(/invalid name "x_tmeta": "_tmeta" is reserved by lvm/);
  });
});

describe('snapshotsToGrow (Open-Local snapshot auto-expansion)', () => {
  const tags = (threshold: number, step: number) => [...snapshotTags({ name: 's', sourceVolumeId: 'local-a', sizeBytes: GiB, createdSeconds: 1 }), ...growthTags({ threshold, stepBytes: step })];
  const cow = (name: string, snapPercent: number | undefined, threshold = 0.5, step = 64 * MiB) =>
    lv(name, { isSnapshot: true, origin: 'local-a', sizeBytes: 128 * MiB, tags: tags(threshold, step), ...(snapPercent === undefined ? {} : { snapPercent }) });
  it.each([
    { name: 'above the threshold: grows by the step', lvs: [cow('s1', 62.5)], want: [{ vgName: 'vg0', name: 's1', usedPercent: 62.5, sizeBytes: 192 * MiB }] },
    { name: 'at the threshold: not yet', lvs: [cow('s1', 50)], want: [] },
    { name: 'a class threshold of 80%', lvs: [cow('s1', 62.5, 0.8)], want: [] },
    { name: 'invalidated (100 %): cannot be saved', lvs: [cow('s1', 100)], want: [] },
    { name: 'no use reported', lvs: [cow('s1', undefined)], want: [] },
    { name: 'use reported as data_percent only', lvs: [{ ...cow('s1', undefined), dataPercent: 75 }], want: [{ vgName: 'vg0', name: 's1', usedPercent: 75, sizeBytes: 192 * MiB }] },
    { name: 'a thin snapshot never grows', lvs: [{ ...cow('s1', 90), isThin: true }], want: [] },
    { name: 'a snapshot without growth tags (made before them)', lvs: [lv('s1', { isSnapshot: true, snapPercent: 90, tags: snapshotTags({ name: 's', sourceVolumeId: 'a', sizeBytes: 1, createdSeconds: 1 }) })], want: [] },
    { name: 'not ours', lvs: [lv('s1', { isSnapshot: true, snapPercent: 90, tags: [] })], want: [] },
  ])('$name', ({ lvs, want }) => {
    expect(snapshotsToGrow({ vgs: [], pvs: [], lvs }, /^vg0$/)).toEqual(want);
  });
});

describe('cowSizeBytes', () => {
  it.each([
    { name: 'the class size when the volume is larger', initial: 4 * GiB, source: 10 * GiB, want: 4 * GiB },
    { name: 'capped at the source size', initial: 4 * GiB, source: GiB, want: GiB },
    { name: 'rounded up to whole extents', initial: 5 * MiB, source: GiB, want: 8 * MiB },
  ])('$name', ({ initial, source, want }) => {
    expect(cowSizeBytes({ initialSizeBytes: initial, sourceSizeBytes: source, extentSizeBytes: 4 * MiB })).toBe(want);
  });
});

describe('thinPoolProblem', () => {
  it.each([
    { name: 'a pool with room', pool: lv('pool0', { isThinPool: true, dataPercent: 40 }), code: null },
    { name: 'a full pool', pool: lv('pool0', { isThinPool: true, dataPercent: 97.5 }), code: 'NO_SPACE' },
    { name: 'a missing pool', pool: undefined, code: 'NOT_FOUND' },
    { name: 'an LV that is no pool', pool: lv('pool0'), code: 'NOT_FOUND' },
  ])('$name', ({ pool, code }) => {
    const problem = thinPoolProblem(pool, 'vg0', 'pool0');
    expect(problem?.code ?? null).toBe(code);
    if (problem !== null) expect(problem.message).toContain('vg0/pool0');
  });
});

describe('overProvisionProblem', () => {
  const pool = lv('pool0', { isThinPool: true, sizeBytes: GiB });
  const inPool = (name: string, sizeBytes: number) => lv(name, { isThin: true, poolLv: 'pool0', sizeBytes });
  const withLvs = (...lvs: LogicalVolume[]): LvmState => ({ vgs: [], pvs: [], lvs: [pool, ...lvs, inPool('elsewhere', 9 * GiB)].map((l) => (l.name === 'elsewhere' ? { ...l, poolLv: 'other' } : l)) });

  it.each([
    { name: 'no ratio: no limit', lvs: [inPool('a', 5 * GiB)], add: 5 * GiB, ratio: undefined, code: null },
    { name: 'within ratio × pool size', lvs: [inPool('a', GiB)], add: GiB, ratio: 2, code: null },
    { name: 'exactly ratio × pool size', lvs: [inPool('a', GiB)], add: GiB + GiB / 2, ratio: 2.5, code: null },
    { name: 'one byte over', lvs: [inPool('a', GiB)], add: GiB + 1, ratio: 2, code: 'NO_SPACE' },
    { name: 'snapshots count too', lvs: [inPool('a', GiB), { ...inPool('snap-a', GiB), isSnapshot: true, origin: 'a' }], add: 1, ratio: 2, code: 'NO_SPACE' },
    { name: 'LVs of other pools do not count', lvs: [], add: 2 * GiB, ratio: 2, code: null },
  ])('$name', ({ lvs, add, ratio, code }) => {
    const problem = overProvisionProblem(withLvs(...lvs), pool, { addBytes: add, ratio });
    expect(problem?.code ?? null).toBe(code);
    if (problem !== null) expect(problem.message).toMatch(/thin pool vg0\/pool0 .*overProvisioningRatio/);
  });
});

describe('planRestore', () => {
  const cow = snapshotOf(cowSnap)!;
  const thin = snapshotOf(thinSnap)!;
  const ext = 4 * MiB;

  it.each([
    { name: 'a read-only restore is the snapshot, of its size', source: { snapshot: cow }, required: 0, limit: 0, want: { kind: 'read-only', sizeBytes: GiB } },
    { name: 'a read-only restore asked smaller still gets the whole snapshot', source: { snapshot: cow }, required: MiB, limit: 0, want: { kind: 'read-only', sizeBytes: GiB } },
    { name: 'a thin restore of the same size', source: { snapshot: thin }, required: 2 * GiB, limit: 0, want: { kind: 'thin', sizeBytes: 2 * GiB } },
    { name: 'a thin restore grows to a larger request, in extents', source: { snapshot: thin }, required: 3 * GiB + 1, limit: 0, want: { kind: 'thin', sizeBytes: 3 * GiB + ext } },
    { name: 'a clone of a thin volume is thin', source: { volume: lv('local-t', { isThin: true, sizeBytes: 2 * GiB }) }, required: 0, limit: 0, want: { kind: 'thin', sizeBytes: 2 * GiB } },
    { name: 'a clone of a thick volume is a copy', source: { volume: lv('local-a') }, required: 0, limit: 0, want: { kind: 'copy', sizeBytes: GiB } },
  ])('$name', ({ source, required, limit, want }) => {
    expect(planRestore({ source, requiredBytes: required, limitBytes: limit, extentSizeBytes: ext })).toMatchObject(want);
  });

  it.each([
    { name: 'a read-only restore larger than the snapshot', source: { snapshot: cow }, required: 2 * GiB, limit: 0, message: /larger than snapshot snap-1 .*cannot grow/ },
    { name: 'a limit below the source', source: { snapshot: thin }, required: 0, limit: GiB, message: /limit_bytes 1073741824 is smaller than snapshot snap-2/ },
    { name: 'a limit below the rounded size', source: { volume: lv('local-a') }, required: GiB + 1, limit: GiB + 2, message: /below 1077936128 bytes/ },
  ])('refuses $name with OUT_OF_RANGE', ({ source, required, limit, message }) => {
    const call = () => planRestore({ source, requiredBytes: required, limitBytes: limit, extentSizeBytes: ext });
    expect(call).toThrow(CsiError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (error) {
      expect((error as CsiError).code).toBe('OUT_OF_RANGE');
    }
  });
});

describe('pageOf (ListSnapshots paging)', () => {
  const items = ['a', 'b', 'c', 'd', 'e'];
  it.each([
    { name: 'everything when max_entries is 0', max: 0, token: '', want: { page: items, nextToken: '' } },
    { name: 'a first page and a token', max: 2, token: '', want: { page: ['a', 'b'], nextToken: '2' } },
    { name: 'the page at a token', max: 2, token: '2', want: { page: ['c', 'd'], nextToken: '4' } },
    { name: 'the last page has no token', max: 2, token: '4', want: { page: ['e'], nextToken: '' } },
    { name: 'a token at the end gives an empty page', max: 2, token: '5', want: { page: [], nextToken: '' } },
  ])('$name', ({ max, token, want }) => {
    expect(pageOf(items, { maxEntries: max, startingToken: token })).toEqual(want);
  });

  it.each(['x', '-1', '6', '1.5', '99999999999'])('refuses the token %s with INVALID_TOKEN (ABORTED)', (token) => {
    expect(() => pageOf(items, { maxEntries: 0, startingToken: token })).toThrow(expect.objectContaining({ code: 'INVALID_TOKEN' }));
  });

  it('refuses a negative max_entries naming it', () => {
    expect(() => pageOf(items, { maxEntries: -1, startingToken: '' })).toThrow(/max_entries/);
  });
});
