// Discovered facts → status.nodeStorageInfo: devices, VGs (with allocatable and LVs), mount points, and
// conditions that mean something (DiskFull when nothing is free, DiskFault for read-only or failing storage).
import type { DeviceInfo, LogicalVolume as NlsLogicalVolume, MountPoint, NodeStorageInfo, StorageConditionType, StorageReserve, VolumeGroup as NlsVolumeGroup } from '@openlocal/crd-types';
import type { BlockDevice, LvmState, VolumeGroup } from '@openlocal/lvm';
import { isOurLv, isSpaceHolding, vgAllocatableBytes, type OwnershipRule } from './allocatable.js';

/** A mount point directly under --path.mount, with its statfs numbers. */
export interface DiscoveredMountPoint {
  readonly path: string;
  readonly device: string;
  readonly fsType: string;
  readonly options: readonly string[];
  readonly totalBytes: number;
  readonly availableBytes: number;
}

export interface Discovery {
  readonly lvm: LvmState;
  readonly devices: readonly BlockDevice[];
  readonly mountPoints: readonly DiscoveredMountPoint[];
}

/** VG attr character 4 is `p` when PVs are missing (lvm's "partial"). */
function isPartial(vg: VolumeGroup): boolean {
  return vg.attr.charAt(3) === 'p';
}

function deviceInfo(device: BlockDevice): DeviceInfo {
  const isFaulty = device.isReadOnly || device.sizeBytes === 0;
  return { name: device.path, mediaType: device.mediaType, total: device.sizeBytes, readOnly: device.isReadOnly, condition: isFaulty ? 'DiskFault' : 'DiskReady' };
}

function vgCondition(vg: VolumeGroup, allocatableBytes: number, ourBytes: number): StorageConditionType {
  if (isPartial(vg)) return 'DiskFault';
  return vg.freeBytes === 0 || allocatableBytes - ourBytes <= 0 ? 'DiskFull' : 'DiskReady';
}

interface VgContext {
  readonly state: LvmState;
  readonly rule: OwnershipRule;
  readonly reserve: StorageReserve;
}

/**
 * The VG's thin pools (issue #17): size, the virtual size handed out from each (thin LVs and thin snapshots) and
 * the data and metadata use lvm reports while the pool is active; the scheduler places thin volumes by these.
 */
function thinPoolsOf(vgName: string, state: LvmState): NonNullable<NlsVolumeGroup['thinPools']> {
  return state.lvs.filter((lv) => lv.vgName === vgName && lv.isThinPool).map((pool) => {
    const virtualUsed = state.lvs.filter((lv) => lv.isThin && lv.vgName === vgName && lv.poolLv === pool.name).reduce((sum, lv) => sum + lv.sizeBytes, 0);
    return {
      name: pool.name, total: pool.sizeBytes, virtualUsed,
      ...(pool.dataPercent === undefined ? {} : { dataPercent: pool.dataPercent }),
      ...(pool.metadataPercent === undefined ? {} : { metadataPercent: pool.metadataPercent }),
    };
  });
}

function volumeGroup(vg: VolumeGroup, { state, rule, reserve }: VgContext): NlsVolumeGroup {
  const lvs = state.lvs.filter((lv) => lv.vgName === vg.name && !lv.isHidden);
  const allocatable = vgAllocatableBytes({ vg, lvs: state.lvs, rule, reserve });
  const ourBytes = lvs.filter((lv) => isSpaceHolding(lv) && isOurLv(lv.name, rule)).reduce((sum, lv) => sum + lv.sizeBytes, 0);
  const logicalVolumes: NlsLogicalVolume[] = lvs.map((lv) => ({
    name: lv.name, vgname: vg.name, total: lv.sizeBytes, readOnly: lv.attr.charAt(1) === 'r', condition: 'DiskReady',
  }));
  const thinPools = thinPoolsOf(vg.name, state);
  return {
    name: vg.name,
    physicalVolumes: state.pvs.filter((pv) => pv.vgName === vg.name).map((pv) => pv.name).sort(),
    logicalVolumes,
    ...(thinPools.length === 0 ? {} : { thinPools }),
    total: vg.sizeBytes,
    available: vg.freeBytes,
    allocatable,
    condition: vgCondition(vg, allocatable, ourBytes),
  };
}

function mountPoint(mp: DiscoveredMountPoint): MountPoint {
  const isReadOnly = mp.options.includes('ro');
  const condition: StorageConditionType = isReadOnly ? 'DiskFault' : mp.availableBytes === 0 ? 'DiskFull' : 'DiskReady';
  return { name: mp.path, total: mp.totalBytes, available: mp.availableBytes, fsType: mp.fsType, isBind: false, options: [...mp.options], device: mp.device, readOnly: isReadOnly, condition };
}

/** The node's storage as the agent reports it, without timestamps (the caller adds them). */
export function buildNodeStorageInfo(discovery: Discovery, rule: OwnershipRule, reserve: StorageReserve): NodeStorageInfo {
  const deviceInfos = discovery.devices.map(deviceInfo);
  const volumeGroups = [...discovery.lvm.vgs].sort((a, b) => a.name.localeCompare(b.name)).map((vg) => volumeGroup(vg, { state: discovery.lvm, rule, reserve }));
  const mountPoints = [...discovery.mountPoints].sort((a, b) => a.path.localeCompare(b.path)).map(mountPoint);
  const faults = [
    ...deviceInfos.filter((d) => d.condition === 'DiskFault').map((d) => `device ${d.name ?? ''} is read-only or empty`),
    ...volumeGroups.filter((vg) => vg.condition === 'DiskFault').map((vg) => `volume group ${vg.name} is missing physical volumes`),
    ...mountPoints.filter((mp) => mp.condition === 'DiskFault').map((mp) => `mount point ${mp.name ?? ''} is read-only`),
  ];
  return {
    deviceInfo: deviceInfos,
    volumeGroups,
    mountPoints,
    phase: 'Running',
    state: faults.length === 0
      ? { type: 'DiskReady', status: 'True', reason: '', message: '' }
      : { type: 'DiskFault', status: 'True', reason: 'StorageFault', message: faults.join('; ') },
  };
}
