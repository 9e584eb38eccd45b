// StorageClass parameters (and inline-volume attributes) → a typed volume spec. Keys and values are the ones
// Open-Local users already write; anything unknown or malformed is refused with the key named.
import { InvalidFieldError } from './errors.js';
import { parseQuantityBytes } from './quantity.js';

export type MediaType = 'ssd' | 'hdd';
export type FsType = 'ext4' | 'xfs';

/** IO limits for cgroup v2 io.max; undefined = unlimited. */
export interface IoThrottle {
  iops?: number;
  bpsBytes?: number;
}

export type VolumeSpec =
  | { volumeType: 'LVM'; vgName: string | undefined; isStriping: boolean; throttle: IoThrottle }
  | { volumeType: 'Device'; mediaType: MediaType }
  | { volumeType: 'MountPoint'; mediaType: MediaType };

export type VolumeType = VolumeSpec['volumeType'];
export const VOLUME_TYPES: readonly VolumeType[] = ['LVM', 'Device', 'MountPoint'];

/** Parameter keys (the same names as Open-Local v0.7.1). */
export const PARAM = {
  volumeType: 'volumeType',
  vgName: 'vgName',
  mediaType: 'mediaType',
  lvmType: 'lvmType',
  iops: 'iops',
  bps: 'bps',
  fsType: 'csi.storage.k8s.io/fstype',
  pvcName: 'csi.storage.k8s.io/pvc/name',
  pvcNamespace: 'csi.storage.k8s.io/pvc/namespace',
  pvName: 'csi.storage.k8s.io/pv/name',
  ephemeral: 'csi.storage.k8s.io/ephemeral',
  size: 'size',
  selectedNode: 'volume.kubernetes.io/selected-node',
  device: 'Device',
  mountPoint: 'MountPoint',
} as const;

const VG_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$/;

function field(prefix: string, key: string): string {
  return `${prefix}["${key}"]`;
}

function parseMediaType(value: string | undefined, prefix: string, volumeType: string): MediaType {
  if (value === undefined || value === '') {
    throw new InvalidFieldError(field(prefix, PARAM.mediaType), value, `is required for volumeType ${volumeType} (ssd or hdd)`);
  }
  if (value !== 'ssd' && value !== 'hdd') throw new InvalidFieldError(field(prefix, PARAM.mediaType), value, 'must be ssd or hdd');
  return value;
}

function parsePositiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidFieldError(name, value, 'must be a positive whole number');
  }
  return n;
}

/** iops (integer) and bps (quantity, bytes per second); empty or "0" means no limit, as Open-Local HEAD treats it. */
export function parseThrottle(parameters: Readonly<Record<string, string>>, prefix: string): IoThrottle {
  const throttle: IoThrottle = {};
  const iops = parameters[PARAM.iops];
  if (iops !== undefined && iops !== '' && iops !== '0') throttle.iops = parsePositiveInt(iops, field(prefix, PARAM.iops));
  const bps = parameters[PARAM.bps];
  if (bps !== undefined && bps !== '' && bps !== '0') throttle.bpsBytes = parseQuantityBytes(bps, field(prefix, PARAM.bps));
  return throttle;
}

/** Checks a VG name from a request or plan; undefined when absent. */
export function parseVgName(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!VG_NAME.test(value) || value === '.' || value === '..') {
    throw new InvalidFieldError(name, value, 'not a valid volume group name');
  }
  return value;
}

function parseLvmSpec(parameters: Readonly<Record<string, string>>, prefix: string): VolumeSpec {
  const lvmType = parameters[PARAM.lvmType] ?? 'linear';
  if (lvmType !== 'linear' && lvmType !== 'striping' && lvmType !== '') {
    throw new InvalidFieldError(field(prefix, PARAM.lvmType), lvmType, 'must be linear or striping');
  }
  return {
    volumeType: 'LVM',
    vgName: parseVgName(parameters[PARAM.vgName], field(prefix, PARAM.vgName)),
    isStriping: lvmType === 'striping',
    throttle: parseThrottle(parameters, prefix),
  };
}

/** Parses `volumeType` and its companions. `prefix` names the map in errors, e.g. `parameters`. */
export function parseVolumeSpec(parameters: Readonly<Record<string, string>>, prefix: string): VolumeSpec {
  const volumeType = parameters[PARAM.volumeType];
  switch (volumeType) {
    case 'LVM':
      return parseLvmSpec(parameters, prefix);
    case 'Device':
    case 'MountPoint':
      return { volumeType, mediaType: parseMediaType(parameters[PARAM.mediaType], prefix, volumeType) };
    case undefined:
    case '':
      throw new InvalidFieldError(field(prefix, PARAM.volumeType), volumeType, `is required (${VOLUME_TYPES.join(', ')})`);
    default:
      throw new InvalidFieldError(field(prefix, PARAM.volumeType), volumeType, `unknown volume type; must be one of ${VOLUME_TYPES.join(', ')} (case-sensitive)`);
  }
}

/** The filesystem for a mount capability: its fs_type, else the StorageClass fstype, else ext4. */
export function parseFsType(value: string, name: string): FsType {
  if (value === '' || value === 'ext4') return 'ext4';
  if (value === 'xfs') return 'xfs';
  throw new InvalidFieldError(name, value, 'unsupported filesystem; use ext4 or xfs');
}
