// NodeExpandVolume (lvextend, then grow the mounted filesystem online) and NodeGetVolumeStats.
import { roundUpToUnit, type SizeRequest } from '../core/capacity-range.js';
import { CsiError } from '../core/errors.js';
import type { NodeGetVolumeStatsResponse } from '../generated/csi/v1/NodeGetVolumeStatsResponse.js';
import type { HostPort, LvmPort } from '../ports.js';
import { extendAndZero } from './expand-zeroing.js';
import { mountAt } from './node-stage.js';
import { devicePathOf, sizeOf, type LocatedVolume } from './volume-locator.js';

export interface ExpandDeps {
  host: HostPort;
  lvm: LvmPort;
}

/** Where the volume is visible at `path`: a filesystem mount or a raw device bind, else NOT_FOUND. */
async function mountOf(host: HostPort, volumeId: string, path: string) {
  const mounted = mountAt(await host.mountInfo(), path.replace(/\/+$/, ''));
  if (mounted === undefined) throw new CsiError('NOT_FOUND', `volume ${volumeId} is not mounted at ${path}`);
  return mounted;
}

export async function expandOnNode(
  deps: ExpandDeps,
  request: { volumeId: string; volume: LocatedVolume; volumePath: string; size: SizeRequest | null; signal: AbortSignal },
): Promise<number> {
  const { volume } = request;
  const mounted = await mountOf(deps.host, request.volumeId, request.volumePath);
  if (volume.volumeType !== 'LVM') {
    const current = sizeOf(volume);
    if (request.size !== null && request.size.requiredBytes > current) {
      throw new CsiError('OUT_OF_RANGE', `${volume.volumeType} volume ${request.volumeId} has ${current} bytes and cannot grow`);
    }
    return current;
  }
  const state = await deps.lvm.readState({ signal: request.signal });
  const extent = state.vgs.find((vg) => vg.name === volume.lv.vgName)?.extentSizeBytes ?? 4 * 2 ** 20;
  const target = request.size === null ? volume.lv.sizeBytes : Math.max(volume.lv.sizeBytes, roundUpToUnit(request.size, extent));
  const lv = await extendAndZero(deps, { lv: volume.lv, targetBytes: target, signal: request.signal });
  // A raw block bind has nothing to grow; a filesystem is grown online to fill the LV.
  if (mounted.fsType === 'ext4' || mounted.fsType === 'xfs') {
    await deps.host.growFilesystem({ device: lv.devicePath, mountPath: mounted.mountPoint, fsType: mounted.fsType }, { signal: request.signal });
  }
  return lv.sizeBytes;
}

export async function volumeStats(
  deps: ExpandDeps,
  request: { volumeId: string; volume: LocatedVolume; volumePath: string },
): Promise<NodeGetVolumeStatsResponse> {
  if (!request.volumePath.startsWith('/')) throw new CsiError('NOT_FOUND', `volume ${request.volumeId} is not mounted at ${request.volumePath}`);
  const mounted = await mountOf(deps.host, request.volumeId, request.volumePath);
  const device = devicePathOf(request.volume);
  const info = device === null ? null : await deps.host.blockDeviceInfo(device);
  if (device !== null && info === null) {
    return { usage: [], volume_condition: { abnormal: true, message: `device ${device} is missing` } };
  }
  if (info !== null && mounted.fsType !== 'ext4' && mounted.fsType !== 'xfs') {
    // Raw block: a bind of the device node onto a file. Only the size is known.
    return { usage: [{ unit: 'BYTES', total: String(info.sizeBytes), used: '0', available: '0' }], volume_condition: { abnormal: false, message: 'ok' } };
  }
  const stats = await deps.host.statFilesystem(mounted.mountPoint);
  return {
    usage: [
      { unit: 'BYTES', total: String(stats.totalBytes), used: String(stats.usedBytes), available: String(stats.availableBytes) },
      { unit: 'INODES', total: String(stats.totalInodes), used: String(stats.usedInodes), available: String(stats.freeInodes) },
    ],
    volume_condition: { abnormal: false, message: 'ok' },
  };
}
