// Which LVs of ours no PersistentVolume names (#16), decided from lvm's state, the managed VGs and the PVs'
// volume handles. An LV is only a candidate while it is ours, finished and in a managed VG; it becomes an orphan
// after it stayed a candidate for the grace period, and removable (when enabled) after a further one. Pure: the
// caller keeps `firstSeenMs` between passes and does the I/O.
import { LV_TAGS, type OrphanedLogicalVolume } from '@openlocal/crd-types';
import type { LogicalVolume } from '@openlocal/lvm';

export interface OrphanPolicy {
  /** How long an LV must go unnamed before it is reported (covers CreateVolume → the provisioner's PV create). */
  readonly graceMs: number;
  /** Further time after which a reported orphan is removed; undefined = never remove (the default). */
  readonly removalGraceMs: number | undefined;
}

export interface OrphanReviewInput {
  readonly lvs: readonly LogicalVolume[];
  /** The VGs the node manages (its NLS filteredStorageInfo.volumeGroups). */
  readonly managedVgs: readonly string[];
  /** Volume handles of every PV of this driver the API has. */
  readonly pvVolumeHandles: ReadonlySet<string>;
  /** `vg/lv` → when it was first seen as a candidate (ms since the epoch), from the previous review. */
  readonly firstSeenMs: ReadonlyMap<string, number>;
  readonly nowMs: number;
  readonly policy: OrphanPolicy;
}

/** One orphan, with what the status reports and what removal needs. */
export interface Orphan {
  readonly vgName: string;
  readonly name: string;
  readonly sizeBytes: number;
  readonly sinceMs: number;
  /** Undefined when removal is off. */
  readonly removeAtMs: number | undefined;
}

export interface OrphanReview {
  /** Candidates now, with their first-seen time: keep it for the next review. */
  readonly firstSeenMs: Map<string, number>;
  /** Candidates past the grace, sorted by VG and name. */
  readonly orphans: Orphan[];
  /** Orphans whose removal time has come (empty when removal is off). */
  readonly dueForRemoval: Orphan[];
}

/** Why an LV is never an orphan, or null when it is a candidate (ours and no PV names it). */
export function notOrphanReason(lv: LogicalVolume, managedVgs: ReadonlySet<string>, pvVolumeHandles: ReadonlySet<string>): string | null {
  if (!lv.tags.includes(LV_TAGS.owner)) return 'not created by this driver (no owner tag)';
  if (!managedVgs.has(lv.vgName)) return `in VG ${lv.vgName}, which this node does not manage`;
  // A pod owns an inline ephemeral volume; no PV ever names it.
  if (lv.tags.includes(LV_TAGS.ephemeral)) return 'an inline ephemeral volume';
  // The plugin is still creating it (or a retry will finish it); the PV comes only after CreateVolume returns.
  if (lv.tags.includes(LV_TAGS.zeroPending)) return 'its create has not finished';
  if (lv.isThinPool || lv.isHidden) return 'a thin pool or an lvm sub-volume';
  if (pvVolumeHandles.has(lv.name)) return 'a PV names it';
  return null;
}

function keyOf(lv: { vgName: string; name: string }): string {
  return `${lv.vgName}/${lv.name}`;
}

/** Reviews the node's LVs: which are candidates since when, which are orphans, which are due for removal. */
export function reviewOrphans(input: OrphanReviewInput): OrphanReview {
  const { policy, nowMs } = input;
  const managed = new Set(input.managedVgs);
  const firstSeenMs = new Map<string, number>();
  const orphans: Orphan[] = [];
  for (const lv of input.lvs) {
    if (notOrphanReason(lv, managed, input.pvVolumeHandles) !== null) continue;
    const key = keyOf(lv);
    // A clock that went back must not make an LV look older than it is.
    const sinceMs = Math.min(input.firstSeenMs.get(key) ?? nowMs, nowMs);
    firstSeenMs.set(key, sinceMs);
    if (nowMs - sinceMs < policy.graceMs) continue;
    const removeAtMs = policy.removalGraceMs === undefined ? undefined : sinceMs + policy.graceMs + policy.removalGraceMs;
    orphans.push({ vgName: lv.vgName, name: lv.name, sizeBytes: lv.sizeBytes, sinceMs, removeAtMs });
  }
  orphans.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const dueForRemoval = orphans.filter((orphan) => orphan.removeAtMs !== undefined && nowMs >= orphan.removeAtMs);
  return { firstSeenMs, orphans, dueForRemoval };
}

/** The NLS status entries (RFC 3339 times, whole seconds: a status that only changed in milliseconds is not rewritten). */
export function orphansToStatus(orphans: readonly Orphan[]): OrphanedLogicalVolume[] {
  const time = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return orphans.map((orphan) => ({
    name: orphan.name, vgName: orphan.vgName, total: orphan.sizeBytes, since: time(orphan.sinceMs),
    ...(orphan.removeAtMs === undefined ? {} : { removeAfter: time(orphan.removeAtMs) }),
  }));
}

/** Orphan count and bytes per VG, for the gauges; every managed VG appears (0 when it has none). */
export function orphanTotalsByVg(orphans: readonly Orphan[], managedVgs: readonly string[]): Map<string, { count: number; bytes: number }> {
  const totals = new Map<string, { count: number; bytes: number }>(managedVgs.map((vg) => [vg, { count: 0, bytes: 0 }]));
  for (const orphan of orphans) {
    const total = totals.get(orphan.vgName) ?? { count: 0, bytes: 0 };
    totals.set(orphan.vgName, { count: total.count + 1, bytes: total.bytes + orphan.sizeBytes });
  }
  return totals;
}
