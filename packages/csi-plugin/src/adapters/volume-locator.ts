// Finds a volume by id from the node's own state: our tagged LV, or the claim of a disk / mount point; failing
// both, a volume Open-Local created, adopted through its PV (#15). Nothing about volumes is kept in memory, so a
// restarted plugin sees exactly what exists.
import type { AdoptionPurpose } from '@openlocal/crd-types';
import type { LogicalVolume, LvmState } from '@openlocal/lvm';
import type { Claim } from '../core/claim.js';
import { CsiError } from '../core/errors.js';
import { OWNER_TAG } from '../core/driver-info.js';
import { findReadOnlyRestore } from '../core/snapshots.js';
import type { ClaimStore, LvmPort } from '../ports.js';
import type { Adopter } from './adopter.js';

/**
 * An LVM volume is its LV; a volume restored from a read-only (copy-on-write) snapshot is that snapshot's LV,
 * `isReadOnly`, with the snapshot's restore size as its size.
 */
export type LocatedVolume = { volumeType: 'LVM'; lv: LogicalVolume; isReadOnly?: boolean } | { volumeType: 'Device' | 'MountPoint'; claim: Claim };

export interface LocatorDeps {
  lvm: LvmPort;
  claims: ClaimStore;
  /** VGs this plugin manages (per-node LVM views can narrow it further). */
  vgRegexp: RegExp;
  /** Open-Local's volumes (untagged LVs, disks without a claim) through their PVs; absent without API access. */
  adopter?: Adopter | undefined;
  /** What the volume is located for; `expand` lets an adopted LV be smaller than its PV (the growth asked for). */
  purpose?: AdoptionPurpose;
}

export function isOurLv(lv: LogicalVolume): boolean {
  return lv.tags.includes(OWNER_TAG);
}

/** Our LV with this name in a managed VG, if any. */
export function findOurLv(state: LvmState, name: string, vgRegexp: RegExp): LogicalVolume | undefined {
  return state.lvs.find((lv) => lv.name === name && isOurLv(lv) && vgRegexp.test(lv.vgName));
}

/** The volume with this id, or null. */
export async function locateVolume(deps: LocatorDeps, volumeId: string, signal?: AbortSignal): Promise<LocatedVolume | null> {
  const claim = await deps.claims.get(volumeId);
  if (claim !== null) return { volumeType: claim.volumeType, claim };
  const state = await deps.lvm.readState(signal ? { signal } : {});
  const lv = findOurLv(state, volumeId, deps.vgRegexp);
  const restored = lv === undefined ? findReadOnlyRestore(state, volumeId, deps.vgRegexp) : undefined;
  if (restored !== undefined) return { volumeType: 'LVM', lv: { ...restored.lv, sizeBytes: restored.sizeBytes }, isReadOnly: true };
  if (lv !== undefined) return { volumeType: 'LVM', lv };
  return deps.adopter === undefined ? null : deps.adopter.adopt(volumeId, deps.purpose ?? 'use', signal);
}

/** locateVolume that reports a missing volume as NOT_FOUND. */
export async function requireVolume(deps: LocatorDeps, volumeId: string, signal?: AbortSignal): Promise<LocatedVolume> {
  const located = await locateVolume(deps, volumeId, signal);
  if (located === null) throw new CsiError('NOT_FOUND', `volume ${JSON.stringify(volumeId)} does not exist on this node`);
  return located;
}

/** The device node behind a located volume, when it has one (LVM and Device). */
export function devicePathOf(volume: LocatedVolume): string | null {
  switch (volume.volumeType) {
    case 'LVM':
      return volume.lv.devicePath;
    case 'Device':
      return volume.claim.path;
    case 'MountPoint':
      return null;
  }
}

/** Current size of a located volume. */
export function sizeOf(volume: LocatedVolume): number {
  return volume.volumeType === 'LVM' ? volume.lv.sizeBytes : volume.claim.sizeBytes;
}
