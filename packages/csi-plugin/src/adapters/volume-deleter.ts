// DeleteVolume's storage side. Idempotent: a volume that is already gone is a success. A whole disk is wiped
// and a mount point emptied before its claim is dropped, so the next volume never sees old data.
import { LvmError, type LogicalVolume } from '@openlocal/lvm';
import type { Logger } from 'pino';
import type { Claim } from '../core/claim.js';
import { CsiError } from '../core/errors.js';
import type { ClaimStore, HostPort, LvmPort } from '../ports.js';
import type { Adopter } from './adopter.js';
import { findReadOnlyRestore, restoreTag } from '../core/snapshots.js';
import { findOurLv } from './volume-locator.js';
import { locateClaimedDisk } from './claimed-disk.js';

export interface DeleteDeps {
  lvm: LvmPort;
  host: HostPort;
  claims: ClaimStore;
  vgRegexp: RegExp;
  /** Open-Local's volumes, found through their PVs (#15); absent without API access. */
  adopter?: Adopter | undefined;
  logger: Logger;
  volumeId: string;
  signal: AbortSignal;
}

/**
 * Wiping a disk that is still mounted (staged) would pull it from under a pod, and wiping a disk whose size
 * changed means the name now points at another disk (kernel names can move after a reboot): refuse both.
 */
async function requireSameDiskUnmounted(deps: DeleteDeps, device: string, sizeBytes: number): Promise<boolean> {
  const info = await deps.host.blockDeviceInfo(device);
  if (info === null) return false;
  if (info.sizeBytes !== sizeBytes) {
    throw new CsiError('FAILED_PRECONDITION', `${device} now has ${info.sizeBytes} bytes, the claim of ${deps.volumeId} recorded ${sizeBytes}: not wiping what may be another disk`);
  }
  const inUse = (await deps.host.mountInfo()).find((m) => m.majMin === info.majMin);
  if (inUse !== undefined) {
    throw new CsiError('FAILED_PRECONDITION', `volume ${deps.volumeId} is still mounted at ${inUse.mountPoint}; unpublish and unstage it first`);
  }
  return true;
}

export async function deleteVolume(deps: DeleteDeps): Promise<void> {
  const claim = await deps.claims.get(deps.volumeId);
  if (claim !== null) {
    await releaseClaim(deps, claim);
    return;
  }
  const state = await deps.lvm.readState({ signal: deps.signal });
  // A read-only restore is its snapshot: deleting the volume drops only the snapshot's record of it.
  const restored = findReadOnlyRestore(state, deps.volumeId, deps.vgRegexp);
  if (restored !== undefined) {
    await deps.lvm.changeLvTags({ vgName: restored.lv.vgName, name: restored.lv.name, remove: [restoreTag(deps.volumeId)] }, { signal: deps.signal });
    deps.logger.info({ volumeId: deps.volumeId, snapshotId: restored.snapshotId }, 'released read-only volume; its snapshot stays');
    return;
  }
  const lv = findOurLv(state, deps.volumeId, deps.vgRegexp) ?? (await adoptForDelete(deps));
  if (lv === 'released') return;
  if (lv === undefined) {
    deps.logger.info({ volumeId: deps.volumeId }, 'volume already gone');
    return;
  }
  // lvremove would take a thick LV's copy-on-write snapshots with it: the spec's answer is FAILED_PRECONDITION.
  const snapshots = state.lvs.filter((s) => s.vgName === lv.vgName && s.origin === lv.name && s.isSnapshot && !s.isThin).map((s) => s.name);
  if (snapshots.length > 0) {
    throw new CsiError('FAILED_PRECONDITION', `volume ${deps.volumeId} has snapshots (${snapshots.join(', ')}) that would be lost with it; delete them first`);
  }
  await deps.lvm.removeLv({ vgName: lv.vgName, name: lv.name }, { signal: deps.signal }).catch((error: unknown) => {
    // Removed by someone else between the read and lvremove: still gone, still a success.
    if (error instanceof LvmError && error.code === 'LV_NOT_FOUND') return;
    throw error;
  });
  deps.logger.info({ volumeId: deps.volumeId, vgName: lv.vgName }, 'removed logical volume');
}

/**
 * An Open-Local volume (#15): its untagged LV is returned for removal; a disk or mount point gets its claim
 * recorded and released like ours. No PV naming it: undefined (already gone). A refusal throws and deletes nothing.
 */
async function adoptForDelete(deps: DeleteDeps): Promise<LogicalVolume | 'released' | undefined> {
  const adopted = deps.adopter === undefined ? null : await deps.adopter.adopt(deps.volumeId, 'delete', deps.signal);
  if (adopted === null) return undefined;
  if (adopted.volumeType === 'LVM') return adopted.lv;
  await releaseClaim(deps, adopted.claim);
  return 'released';
}

async function releaseClaim(deps: DeleteDeps, claim: Claim): Promise<void> {
  if (claim.volumeType === 'Device') {
    // The disk is followed by its identity, never by a kernel name that may now be another disk's. A disk that is
    // gone has nothing to wipe; its claim is still released.
    const path = await locateClaimedDisk(deps.host, claim);
    if (path !== null && path !== claim.path) deps.logger.info({ volumeId: deps.volumeId, recorded: claim.path, now: path, identity: claim.identity }, 'the disk moved to another kernel name');
    if (path !== null && (await requireSameDiskUnmounted(deps, path, claim.sizeBytes))) await deps.host.wipeDevice(path, { signal: deps.signal });
  } else {
    await deps.host.emptyDirectory(claim.path);
  }
  await deps.claims.remove(deps.volumeId);
  deps.logger.info({ volumeId: deps.volumeId, volumeType: claim.volumeType, path: claim.path }, 'released');
}
