// NodeStageVolume / NodeUnstageVolume: format a blank device (never one that holds anything else) and mount
// it at the staging path; a MountPoint volume is bind-mounted there instead. Raw block volumes need no stage.
import type { MountEntry } from '@openlocal/lvm';
import { CsiError } from '../core/errors.js';
import type { FsType } from '../core/parameters.js';
import type { AccessKind } from '../core/volume-capability.js';
import type { HostPort, LvmPort } from '../ports.js';
import type { LocatedVolume } from './volume-locator.js';

export interface StageDeps {
  host: HostPort;
  lvm: LvmPort;
}

/** The mount at exactly `path`, if any (the last one wins, as the kernel shows stacked mounts). */
export function mountAt(mounts: readonly MountEntry[], path: string): MountEntry | undefined {
  return mounts.filter((m) => m.mountPoint === path).at(-1);
}

/** The device node of a volume that must be usable on this node now. */
export async function usableDevice(deps: StageDeps, volume: LocatedVolume, volumeId: string): Promise<string> {
  const device = volume.volumeType === 'LVM' ? volume.lv.devicePath : volume.volumeType === 'Device' ? volume.claim.path : null;
  if (device === null) throw new CsiError('INTERNAL', `volume ${volumeId} has no device`);
  const info = await deps.host.blockDeviceInfo(device);
  if (info === null) {
    const why = volume.volumeType === 'LVM' && !(await deps.lvm.hasDeviceMapper().catch(() => true)) ? ' (this kernel has no device-mapper, LVs cannot be activated)' : '';
    throw new CsiError('FAILED_PRECONDITION', `device ${device} of volume ${volumeId} is not present${why}`);
  }
  // Kernel disk names can move after a reboot: a claimed disk of another size is not ours to format or mount.
  if (volume.volumeType === 'Device' && info.sizeBytes !== volume.claim.sizeBytes) {
    throw new CsiError('FAILED_PRECONDITION', `${device} now has ${info.sizeBytes} bytes, volume ${volumeId} was ${volume.claim.sizeBytes}: it may be another disk`);
  }
  return device;
}

async function formatIfBlank(
  deps: StageDeps,
  request: { device: string; wanted: FsType; isExplicit: boolean },
  signal: AbortSignal,
): Promise<FsType> {
  const { device, wanted } = request;
  const existing = await deps.host.probeFilesystem(device, { signal });
  if (existing === null) {
    await deps.host.makeFilesystem(device, wanted, { signal });
    return wanted;
  }
  if (existing === 'ext4' || existing === 'xfs') {
    if (request.isExplicit && existing !== wanted) {
      throw new CsiError('FAILED_PRECONDITION', `device ${device} already holds ${existing}, the capability asks for ${wanted}; it is never reformatted`);
    }
    return existing;
  }
  throw new CsiError('FAILED_PRECONDITION', `device ${device} holds ${existing}, not a filesystem this plugin mounts; it is never reformatted`);
}

export interface StageRequest {
  volumeId: string;
  volume: LocatedVolume;
  stagingPath: string;
  access: AccessKind;
  /** Whether the capability named a filesystem (otherwise an existing ext4/xfs is accepted as it is). */
  isFsTypeExplicit: boolean;
  signal: AbortSignal;
}

export async function stageVolume(deps: StageDeps, request: StageRequest): Promise<void> {
  if (request.access.kind === 'block') return;
  const { access } = request;
  await deps.host.ensureDirectory(request.stagingPath);
  const mounted = mountAt(await deps.host.mountInfo(), request.stagingPath);
  if (request.volume.volumeType === 'MountPoint') {
    if (mounted !== undefined) return;
    await deps.host.mount({ source: request.volume.claim.path, target: request.stagingPath, bind: true, options: access.mountFlags }, { signal: request.signal });
    return;
  }
  const device = await usableDevice(deps, request.volume, request.volumeId);
  if (mounted !== undefined) {
    const info = await deps.host.blockDeviceInfo(device);
    if (info !== null && mounted.majMin === info.majMin) return;
    throw new CsiError('ALREADY_EXISTS', `staging path ${request.stagingPath} already has ${mounted.source} mounted, not volume ${request.volumeId}`);
  }
  if (request.volume.volumeType === 'LVM' && request.volume.isReadOnly === true) {
    await stageReadOnlySnapshot(deps, request, device);
    return;
  }
  const fsType = await formatIfBlank(deps, { device, wanted: access.fsType, isExplicit: request.isFsTypeExplicit }, request.signal);
  await deps.host.mount({ source: device, target: request.stagingPath, fsType, options: access.mountFlags }, { signal: request.signal });
}

/** A volume restored from a read-only snapshot is the snapshot: never formatted, always mounted ro. */
async function stageReadOnlySnapshot(deps: StageDeps, request: StageRequest, device: string): Promise<void> {
  const existing = await deps.host.probeFilesystem(device, { signal: request.signal });
  if (existing !== 'ext4' && existing !== 'xfs') {
    throw new CsiError('FAILED_PRECONDITION', `read-only snapshot volume ${request.volumeId} holds ${existing ?? 'no filesystem'}, not ext4 or xfs; it is never formatted`);
  }
  const flags = request.access.kind === 'mount' ? request.access.mountFlags : [];
  // xfs refuses a second filesystem with the origin's UUID (the origin is mounted too) unless told nouuid.
  const options = [...flags, 'ro', ...(existing === 'xfs' ? ['nouuid'] : [])];
  await deps.host.mount({ source: device, target: request.stagingPath, fsType: existing, options }, { signal: request.signal });
}

/** Unmounts everything stacked at `path` (a target bind-mounted twice needs two umounts). */
export async function unmountAll(host: HostPort, path: string, signal: AbortSignal): Promise<void> {
  for (let i = 0; i < 8; i += 1) {
    if (mountAt(await host.mountInfo(), path) === undefined) return;
    await host.unmount(path, { signal });
  }
  throw new CsiError('INTERNAL', `${path} is still mounted after 8 unmounts`);
}
