import { LV_TAGS } from '@openlocal/crd-types';
import { describe, expect, it } from 'vitest';
import { notOrphanReason, orphansToStatus, orphanTotalsByVg, reviewOrphans, type OrphanPolicy } from './orphans.js';
import { GiB, lv } from './test-data.js';

const OURS = [LV_TAGS.owner];
const MANAGED = new Set(['vg-a']);
const NO_PVS = new Set<string>();

describe('notOrphanReason', () => {
  it.each([
    { name: 'an LV without our tag is never ours', input: lv('vg-a/x', GiB), pvs: NO_PVS, want: 'not created by this driver (no owner tag)' },
    { name: 'an LV in a VG the node does not manage (the OS\'s) is never one', input: lv('os/local-1', GiB, { tags: OURS }), pvs: NO_PVS, want: 'in VG os, which this node does not manage' },
    { name: 'an inline ephemeral volume has no PV by design', input: lv('vg-a/csi-1', GiB, { tags: [...OURS, LV_TAGS.ephemeral] }), pvs: NO_PVS, want: 'an inline ephemeral volume' },
    { name: 'a create in flight (still zero-pending) is never one', input: lv('vg-a/local-1', GiB, { tags: [...OURS, LV_TAGS.zeroPending] }), pvs: NO_PVS, want: 'its create has not finished' },
    { name: 'a thin pool is not a volume', input: lv('vg-a/pool', GiB, { tags: OURS, isThinPool: true }), pvs: NO_PVS, want: 'a thin pool or an lvm sub-volume' },
    { name: 'an LV a PV names is not one', input: lv('vg-a/local-1', GiB, { tags: OURS }), pvs: new Set(['local-1']), want: 'a PV names it' },
    { name: 'our finished LV in a managed VG that no PV names is a candidate', input: lv('vg-a/local-1', GiB, { tags: OURS }), pvs: new Set(['local-2']), want: null },
  ])('$name', ({ input, pvs, want }) => {
    expect(notOrphanReason(input, MANAGED, pvs)).toBe(want);
  });
});

const REPORT_ONLY: OrphanPolicy = { graceMs: 60_000, removalGraceMs: undefined };
const REMOVING: OrphanPolicy = { graceMs: 60_000, removalGraceMs: 120_000 };

describe('reviewOrphans', () => {
  const candidate = lv('vg-a/local-1', GiB, { tags: OURS });
  const base = { lvs: [candidate], managedVgs: ['vg-a'], pvVolumeHandles: NO_PVS, firstSeenMs: new Map<string, number>(), nowMs: 1_000_000, policy: REPORT_ONLY };

  it.each([
    { name: 'a candidate seen for the first time is remembered from now, not reported', firstSeen: undefined, nowMs: 1_000_000, policy: REPORT_ONLY, wantOrphans: 0, wantDue: 0 },
    { name: 'one second short of the grace is not an orphan yet', firstSeen: 1_000_000, nowMs: 1_059_999, policy: REPORT_ONLY, wantOrphans: 0, wantDue: 0 },
    { name: 'at the grace it is an orphan', firstSeen: 1_000_000, nowMs: 1_060_000, policy: REPORT_ONLY, wantOrphans: 1, wantDue: 0 },
    { name: 'with removal off an orphan is never due, however old', firstSeen: 0, nowMs: 1e12, policy: REPORT_ONLY, wantOrphans: 1, wantDue: 0 },
    { name: 'with removal on it is not due before grace + removal grace', firstSeen: 1_000_000, nowMs: 1_179_999, policy: REMOVING, wantOrphans: 1, wantDue: 0 },
    { name: 'with removal on it is due at grace + removal grace', firstSeen: 1_000_000, nowMs: 1_180_000, policy: REMOVING, wantOrphans: 1, wantDue: 1 },
    { name: 'a first-seen time in the future (clock went back) counts from now', firstSeen: 5_000_000, nowMs: 1_000_000, policy: REPORT_ONLY, wantOrphans: 0, wantDue: 0 },
  ])('$name', ({ firstSeen, nowMs, policy, wantOrphans, wantDue }) => {
    const firstSeenMs = new Map(firstSeen === undefined ? [] : [['vg-a/local-1', firstSeen]]);
    const review = reviewOrphans({ ...base, firstSeenMs, nowMs, policy });
    expect(review.orphans).toHaveLength(wantOrphans);
    expect(review.dueForRemoval).toHaveLength(wantDue);
    expect(review.firstSeenMs.get('vg-a/local-1')).toBe(Math.min(firstSeen ?? nowMs, nowMs));
  });

  it('forgets an LV once a PV names it, so a later loss of that PV starts the grace again', () => {
    const review = reviewOrphans({ ...base, pvVolumeHandles: new Set(['local-1']), firstSeenMs: new Map([['vg-a/local-1', 0]]), nowMs: 1e9 });
    expect(review.firstSeenMs.size).toBe(0);
    expect(review.orphans).toEqual([]);
  });

  it('never reports or removes an LV that is not a candidate, whatever its age', () => {
    const lvs = [lv('vg-a/foreign', GiB), lv('os/local-9', GiB, { tags: OURS }), lv('vg-a/csi-1', GiB, { tags: [...OURS, LV_TAGS.ephemeral] })];
    const old = new Map(lvs.map((l) => [`${l.vgName}/${l.name}`, 0]));
    const review = reviewOrphans({ ...base, lvs, firstSeenMs: old, nowMs: 1e12, policy: REMOVING });
    expect(review.orphans).toEqual([]);
    expect(review.dueForRemoval).toEqual([]);
  });

  it('sorts orphans by VG and name and carries size, since and removal time', () => {
    const lvs = [lv('vg-b/local-2', 2 * GiB, { tags: OURS }), lv('vg-a/local-3', GiB, { tags: OURS }), lv('vg-a/local-1', GiB, { tags: OURS })];
    const review = reviewOrphans({ ...base, lvs, managedVgs: ['vg-a', 'vg-b'], firstSeenMs: new Map(lvs.map((l) => [`${l.vgName}/${l.name}`, 0])), nowMs: 100_000, policy: REMOVING });
    expect(review.orphans.map((o) => `${o.vgName}/${o.name}`)).toEqual(['vg-a/local-1', 'vg-a/local-3', 'vg-b/local-2']);
    expect(review.orphans[2]).toEqual({ vgName: 'vg-b', name: 'local-2', sizeBytes: 2 * GiB, sinceMs: 0, removeAtMs: 180_000 });
  });
});

describe('orphansToStatus and orphanTotalsByVg', () => {
  it('writes whole-second RFC 3339 times and removeAfter only when removal is on', () => {
    const status = orphansToStatus([
      { vgName: 'vg-a', name: 'local-1', sizeBytes: GiB, sinceMs: Date.UTC(2026, 11, 3, 10, 0, 0, 750), removeAtMs: undefined },
      { vgName: 'vg-a', name: 'local-2', sizeBytes: 5, sinceMs: 0, removeAtMs: 61_000 },
    ]);
    expect(status).toEqual([
      { name: 'local-1', vgName: 'vg-a', total: GiB, since: '2026-12-03T10:00:00Z' },
      { name: 'local-2', vgName: 'vg-a', total: 5, since: '1970-01-01T00:00:00Z', removeAfter: '1970-01-01T00:01:01Z' },
    ]);
  });

  it('counts per managed VG, zero where there is none', () => {
    const totals = orphanTotalsByVg([{ vgName: 'vg-a', name: 'x', sizeBytes: 3, sinceMs: 0, removeAtMs: undefined }, { vgName: 'vg-a', name: 'y', sizeBytes: 4, sinceMs: 0, removeAtMs: undefined }], ['vg-a', 'vg-b']);
    expect(Object.fromEntries(totals)).toEqual({ 'vg-a': { count: 2, bytes: 7 }, 'vg-b': { count: 0, bytes: 0 } });
  });
});
