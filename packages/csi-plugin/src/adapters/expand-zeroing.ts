// Growing an LV hands its tenant extents an earlier volume may have written. The new tail is zeroed before
// NodeExpandVolume answers; a tag records where zeroing must start from lvextend until it is done, so a grow
// interrupted in between is finished by the retry (whose LV is already the full size).
import { lvDevicePath, type LogicalVolume } from '@openlocal/lvm';
import { isZeroFromTag, pendingZeroFrom, zeroDeadlineMs, zeroFromTag } from '../core/zeroing.js';
import type { HostPort, LvmPort } from '../ports.js';

export interface GrowZeroingDeps {
  lvm: Pick<LvmPort, 'extendLv' | 'changeLvTags' | 'hasDeviceMapper'>;
  host: Pick<HostPort, 'zeroDevice'>;
}

/** lvextend to `targetBytes`, then zero everything past the old size (and any tail an earlier grow left). */
export async function extendAndZero(deps: GrowZeroingDeps, request: { lv: LogicalVolume; targetBytes: number; signal: AbortSignal }): Promise<LogicalVolume> {
  const { lv: before, targetBytes, signal } = request;
  const where = { vgName: before.vgName, name: before.name };
  const isReal = await deps.lvm.hasDeviceMapper({ signal });
  const isGrowing = targetBytes > before.sizeBytes;
  if (isReal && isGrowing) await deps.lvm.changeLvTags({ ...where, add: [zeroFromTag(before.sizeBytes)] }, { signal });
  const after = await deps.lvm.extendLv({ ...where, sizeBytes: targetBytes }, { signal });
  const from = pendingZeroFrom(after.tags);
  if (!isReal || from === null) return after;
  if (from < after.sizeBytes) {
    await deps.host.zeroDevice(lvDevicePath(before.vgName, before.name), { offsetBytes: from, lengthBytes: after.sizeBytes - from, timeoutMs: zeroDeadlineMs(after.sizeBytes - from) });
  }
  await deps.lvm.changeLvTags({ ...where, remove: after.tags.filter(isZeroFromTag) });
  return after;
}
