// Snapshots as LVs: what our tags on a snapshot LV mean, how a CSI snapshot name becomes an LV name, which
// restores and clones are possible, and ListSnapshots paging. Pure: the adapters read lvm state and act.
// Every fact a later call needs (the CSI name, the source volume, the restore size, the creation time, and the
// read-only volumes that are this snapshot) lives in the LV's own tags, so a restarted plugin knows everything.
import { DRIVER_NAME, SNAPSHOT_DEFAULTS } from '@openlocal/crd-types';
import type { LogicalVolume, LvmState } from '@openlocal/lvm';
import { CsiError, InvalidFieldError } from './errors.js';
import { lvNameForVolume, lvNameProblem } from './names.js';

/** On every snapshot LV this plugin makes (never together with the volume owner tag). */
export const SNAPSHOT_TAG = `${DRIVER_NAME}/snapshot`;
const NAME_TAG = `${DRIVER_NAME}/snapshot-name=`;
const SOURCE_TAG = `${DRIVER_NAME}/source=`;
const SIZE_TAG = `${DRIVER_NAME}/size=`;
const CREATED_TAG = `${DRIVER_NAME}/created=`;
/** On a copy-on-write snapshot: the class's expansion threshold (0..1) and step (bytes), for the grower. */
const GROW_AT_TAG = `${DRIVER_NAME}/grow-at=`;
const GROW_BY_TAG = `${DRIVER_NAME}/grow-by=`;
/** On a copy-on-write snapshot LV: one per read-only volume restored from it (the volume is the snapshot). */
const RESTORE_TAG = `${DRIVER_NAME}/restore=`;

/** A thin pool at or above this data use takes no new thin volume, snapshot or clone (the extender's line too). */
export const THIN_POOL_FULL_PERCENT = SNAPSHOT_DEFAULTS.thinPoolFullPercent;

export type SnapshotKind = 'cow' | 'thin';

/** A snapshot as CSI sees it, decoded from its LV. */
export interface SnapshotView {
  snapshotId: string;
  /** The CreateSnapshot name it was made for (idempotency compares it). */
  name: string;
  sourceVolumeId: string;
  /** What a restore presents: the source volume's size when the snapshot was taken. */
  sizeBytes: number;
  createdSeconds: number;
  kind: SnapshotKind;
  /** Read-only volumes that are this snapshot (copy-on-write snapshots only). */
  restoredAs: string[];
  lv: LogicalVolume;
}

function tagValue(lv: LogicalVolume, prefix: string): string | undefined {
  return lv.tags.find((t) => t.startsWith(prefix))?.slice(prefix.length);
}

/** The tags a new snapshot LV gets. */
export function snapshotTags(request: { name: string; sourceVolumeId: string; sizeBytes: number; createdSeconds: number }): string[] {
  return [SNAPSHOT_TAG, NAME_TAG + request.name, SOURCE_TAG + request.sourceVolumeId, SIZE_TAG + String(request.sizeBytes), CREATED_TAG + String(request.createdSeconds)];
}

/** The tags that let the node grow a copy-on-write snapshot before it fills (the class's threshold and step). */
export function growthTags(request: { threshold: number; stepBytes: number }): string[] {
  return [GROW_AT_TAG + String(request.threshold), GROW_BY_TAG + String(request.stepBytes)];
}

/** One copy-on-write snapshot to grow: its use passed the class's threshold. */
export interface SnapshotGrowth {
  vgName: string;
  name: string;
  usedPercent: number;
  /** The new total size: the current change space plus the class's step. */
  sizeBytes: number;
}

/**
 * Open-Local's snapshot auto-expansion (§2.4), decided from lvm state alone: every copy-on-write snapshot of ours
 * whose use (snap_percent) is above the threshold recorded at CreateSnapshot grows by the recorded step. A
 * snapshot lvm already invalidated (100 %) cannot be saved and is left alone.
 */
export function snapshotsToGrow(state: LvmState, vgRegexp: RegExp): SnapshotGrowth[] {
  return listSnapshotViews(state, vgRegexp).flatMap((view) => {
    const { lv } = view;
    const threshold = Number(tagValue(lv, GROW_AT_TAG));
    const step = Number(tagValue(lv, GROW_BY_TAG));
    const used = usedPercent(lv);
    if (view.kind !== 'cow' || used === undefined || !(threshold > 0 && threshold < 1) || !(Number.isSafeInteger(step) && step > 0)) return [];
    if (used / 100 <= threshold || used >= 100) return [];
    return [{ vgName: lv.vgName, name: lv.name, usedPercent: used, sizeBytes: lv.sizeBytes + step }];
  });
}

/** A copy-on-write snapshot's use: lvm reports it as snap_percent, and in some reports only as data_percent. */
function usedPercent(lv: LogicalVolume): number | undefined {
  return lv.snapPercent ?? lv.dataPercent;
}

/** A copy-on-write snapshot with growth tags whose report carried no use figure (lvm's full report may omit it). */
export function needsUseFigure(lv: LogicalVolume): boolean {
  return !lv.isThin && lv.tags.some((t) => t.startsWith(GROW_AT_TAG)) && usedPercent(lv) === undefined;
}

/** The tag that records a read-only volume restored from a copy-on-write snapshot. */
export function restoreTag(volumeId: string): string {
  return RESTORE_TAG + volumeId;
}

/** The snapshot view of an LV, or null when it is not a snapshot of ours. */
export function snapshotOf(lv: LogicalVolume): SnapshotView | null {
  if (!lv.tags.includes(SNAPSHOT_TAG)) return null;
  const size = Number(tagValue(lv, SIZE_TAG));
  const created = Number(tagValue(lv, CREATED_TAG));
  return {
    snapshotId: lv.name,
    name: tagValue(lv, NAME_TAG) ?? lv.name,
    sourceVolumeId: tagValue(lv, SOURCE_TAG) ?? lv.origin,
    sizeBytes: Number.isSafeInteger(size) && size > 0 ? size : lv.sizeBytes,
    createdSeconds: Number.isSafeInteger(created) ? created : 0,
    kind: lv.isThin ? 'thin' : 'cow',
    restoredAs: lv.tags.filter((t) => t.startsWith(RESTORE_TAG)).map((t) => t.slice(RESTORE_TAG.length)),
    lv,
  };
}

/** Every snapshot of ours in the managed VGs, by snapshot id. */
export function listSnapshotViews(state: LvmState, vgRegexp: RegExp): SnapshotView[] {
  return state.lvs
    .filter((lv) => vgRegexp.test(lv.vgName))
    .map(snapshotOf)
    .filter((s): s is SnapshotView => s !== null)
    .sort((a, b) => (a.snapshotId < b.snapshotId ? -1 : a.snapshotId > b.snapshotId ? 1 : 0));
}

/** The copy-on-write snapshot that a read-only restored volume is, if `volumeId` is one. */
export function findReadOnlyRestore(state: LvmState, volumeId: string, vgRegexp: RegExp): SnapshotView | undefined {
  return listSnapshotViews(state, vgRegexp).find((s) => s.kind === 'cow' && s.restoredAs.includes(volumeId));
}

/** Snapshots whose LVM origin is this LV (copy-on-write ones die with it; thin ones outlive it). */
export function snapshotsOfVolume(state: LvmState, lv: LogicalVolume, vgRegexp: RegExp): SnapshotView[] {
  return listSnapshotViews(state, vgRegexp).filter((s) => s.lv.vgName === lv.vgName && s.lv.origin === lv.name);
}

/**
 * The LV name for a CreateSnapshot name. csi-snapshotter names snapshots `snapshot-<uid>` by default, a prefix
 * lvm reserves, so it becomes `snap-<uid>` (Open-Local's chart sets `--snapshot-name-prefix=snap` for the same
 * reason); long names are shortened like volume names. Two names that map to one LV are told apart by the name tag.
 */
export function snapshotLvName(name: string, field: string): string {
  const renamed = name.startsWith('snapshot') ? `snap${name.slice('snapshot'.length)}` : name;
  const lvName = lvNameForVolume(renamed);
  const problem = lvNameProblem(lvName);
  if (problem !== null) throw new InvalidFieldError(field, name, problem);
  return lvName;
}

/** Initial copy-on-write space of a thick snapshot: the class's size capped at the source, in whole extents. */
export function cowSizeBytes(request: { initialSizeBytes: number; sourceSizeBytes: number; extentSizeBytes: number }): number {
  const wanted = Math.min(request.initialSizeBytes, request.sourceSizeBytes);
  return Math.ceil(wanted / request.extentSizeBytes) * request.extentSizeBytes;
}

/** Why a thin pool takes nothing more (NOT_FOUND when it is missing, NO_SPACE when full), or null. */
export function thinPoolProblem(pool: LogicalVolume | undefined, vgName: string, poolName: string): CsiError | null {
  if (pool === undefined || !pool.isThinPool) return new CsiError('NOT_FOUND', `thin pool ${vgName}/${poolName} does not exist on this node`);
  if (pool.dataPercent !== undefined && pool.dataPercent >= THIN_POOL_FULL_PERCENT) {
    return new CsiError('NO_SPACE', `thin pool ${vgName}/${poolName} is full (${pool.dataPercent}% of its data space used; new volumes are refused from ${THIN_POOL_FULL_PERCENT}%)`);
  }
  return null;
}

/**
 * Why a thin pool cannot hand out `addBytes` more of virtual size under the class's `overProvisioningRatio` (the
 * virtual sizes of every thin LV in the pool, snapshots included, against ratio × pool size), or null. No ratio:
 * no limit but the pool's fill (thinPoolProblem).
 */
export function overProvisionProblem(state: LvmState, pool: LogicalVolume, request: { addBytes: number; ratio: number | undefined }): CsiError | null {
  const { addBytes, ratio } = request;
  if (ratio === undefined) return null;
  const handedOut = state.lvs.filter((lv) => lv.isThin && lv.vgName === pool.vgName && lv.poolLv === pool.name).reduce((sum, lv) => sum + lv.sizeBytes, 0);
  const room = Math.floor(pool.sizeBytes * ratio);
  if (handedOut + addBytes <= room) return null;
  return new CsiError(
    'NO_SPACE',
    `thin pool ${pool.vgName}/${pool.name} has handed out ${handedOut} bytes of virtual size; ${addBytes} more exceeds overProvisioningRatio ${ratio} × its ${pool.sizeBytes} bytes (${Math.max(0, room - handedOut)} bytes of room left)`,
  );
}

/** How a new volume is made from a content source, decided from the source and the requested size. */
export type RestorePlan =
  /** The volume is the copy-on-write snapshot itself, read-only, of the snapshot's size. */
  | { kind: 'read-only'; snapshot: SnapshotView; sizeBytes: number }
  /** A thin snapshot of the thin source (a snapshot or a volume), grown to `sizeBytes` when that is larger. */
  | { kind: 'thin'; origin: LogicalVolume; sizeBytes: number }
  /** A thick LV in the source's VG with the source's blocks copied in. */
  | { kind: 'copy'; origin: LogicalVolume; sizeBytes: number };

/**
 * The plan for a restore (snapshot source) or a clone (volume source). A new volume smaller than its source
 * cannot hold it; a read-only restore is the snapshot and cannot be larger either (OUT_OF_RANGE, as the spec
 * asks for an unsatisfiable capacity range).
 */
export function planRestore(request: {
  source: { snapshot: SnapshotView } | { volume: LogicalVolume };
  requiredBytes: number;
  limitBytes: number;
  extentSizeBytes: number;
}): RestorePlan {
  const { requiredBytes, limitBytes, source } = request;
  const snapshot = 'snapshot' in source ? source.snapshot : undefined;
  const origin = snapshot === undefined ? (source as { volume: LogicalVolume }).volume : snapshot.lv;
  const sourceBytes = snapshot === undefined ? origin.sizeBytes : snapshot.sizeBytes;
  const what = snapshot === undefined ? `volume ${origin.name}` : `snapshot ${snapshot.snapshotId}`;
  if (limitBytes > 0 && limitBytes < sourceBytes) {
    throw new CsiError('OUT_OF_RANGE', `capacity_range.limit_bytes ${limitBytes} is smaller than ${what} (${sourceBytes} bytes)`);
  }
  if (snapshot !== undefined && snapshot.kind === 'cow') return readOnlyRestore(snapshot, requiredBytes);
  const wanted = Math.max(requiredBytes, sourceBytes);
  const sizeBytes = Math.ceil(wanted / request.extentSizeBytes) * request.extentSizeBytes;
  if (limitBytes > 0 && sizeBytes > limitBytes) {
    throw new CsiError('OUT_OF_RANGE', `capacity_range.limit_bytes ${limitBytes} is below ${sizeBytes} bytes, the smallest whole-extent size that holds ${what}`);
  }
  return { kind: origin.isThin ? 'thin' : 'copy', origin, sizeBytes };
}

/** A read-only restore is the snapshot itself, so it has exactly the snapshot's size. */
function readOnlyRestore(snapshot: SnapshotView, requiredBytes: number): RestorePlan {
  if (requiredBytes > snapshot.sizeBytes) {
    throw new CsiError(
      'OUT_OF_RANGE',
      `capacity_range.required_bytes ${requiredBytes} is larger than snapshot ${snapshot.snapshotId} (${snapshot.sizeBytes} bytes): a volume restored from a read-only snapshot is that snapshot and cannot grow; use a thin pool for writable restores`,
    );
  }
  return { kind: 'read-only', snapshot, sizeBytes: snapshot.sizeBytes };
}

/** ListSnapshots paging: `starting_token` is the index of the next entry, as a decimal string. */
export function pageOf<T>(entries: readonly T[], request: { maxEntries: number; startingToken: string }): { page: T[]; nextToken: string } {
  let start = 0;
  if (request.startingToken !== '') {
    start = /^[0-9]{1,9}$/.test(request.startingToken) ? Number(request.startingToken) : Number.NaN;
    if (!Number.isSafeInteger(start) || start > entries.length) {
      throw new CsiError('INVALID_TOKEN', `starting_token ${JSON.stringify(request.startingToken)} is not a token this plugin gave out (there are ${entries.length} snapshots)`);
    }
  }
  if (request.maxEntries < 0) throw new InvalidFieldError('max_entries', request.maxEntries, 'must not be negative');
  const end = request.maxEntries === 0 ? entries.length : Math.min(entries.length, start + request.maxEntries);
  return { page: entries.slice(start, end), nextToken: end < entries.length ? String(end) : '' };
}
