// Builders of LVM state and devices for the core's table tests (shapes of @openlocal/lvm's parsed report).
import type { BlockDevice, LogicalVolume, LvmState, PhysicalVolume, VolumeGroup } from '@openlocal/lvm';

export const GiB = 1024 ** 3;

export function vg(name: string, sizeBytes: number, freeBytes: number): VolumeGroup {
  return { name, uuid: `uuid-${name}`, sizeBytes, freeBytes, extentSizeBytes: 4 * 1024 ** 2, extentCount: 0, freeExtentCount: 0, pvCount: 1, lvCount: 0, tags: [], attr: 'wz--n-' };
}

export function pv(name: string, vgName: string): PhysicalVolume {
  return { name, uuid: `uuid-${name}`, vgName, sizeBytes: GiB, freeBytes: GiB, deviceSizeBytes: GiB, tags: [] };
}

/** An LV named `vg/lv`. */
export function lv(path: string, sizeBytes: number, extra: Partial<LogicalVolume> = {}): LogicalVolume {
  const [vgName = '', name = ''] = path.split('/');
  return {
    name, vgName, uuid: `uuid-${name}`, sizeBytes, attr: '-wi-a-----', tags: [], origin: '', poolLv: '', isActive: false, isThinPool: false,
    isThin: false, isSnapshot: false, isHidden: false, stripes: 1, stripeSizeBytes: 0, devicePath: `/dev/${vgName}/${name}`, ...extra,
  };
}

export function state(parts: Partial<LvmState>): LvmState {
  return { vgs: [], pvs: [], lvs: [], ...parts };
}

export function disk(path: string, sizeBytes: number, extra: Partial<BlockDevice> = {}): BlockDevice {
  const kernelName = path.replace('/dev/', '');
  return { path, kernelName, sizeBytes, isRotational: false, mediaType: 'ssd', isReadOnly: false, isPartition: false, majMin: '7:0', ...extra };
}
