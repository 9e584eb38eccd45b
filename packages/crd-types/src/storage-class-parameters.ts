// StorageClass parameters and inline-volume attributes → a typed volume spec, or every problem with the key named.
// The scheduler extender and the CSI plugin both call these, so they accept and refuse exactly the same claims.
import { DEFAULT_FS_TYPE, EPHEMERAL_DEFAULT_SIZE, LVM_TYPES, MEDIA_TYPES, STORAGE_CLASS_PARAMS, VOLUME_CONTEXT_KEYS, VOLUME_TYPES, type VolumeType } from './constants.js';
import { InvalidQuantityError } from './errors.js';
import { parseQuantityBytes } from './quantity.js';

/** `mediaType` of a Device or MountPoint class. */
export type VolumeMediaType = (typeof MEDIA_TYPES)[keyof typeof MEDIA_TYPES];
/** Filesystems the plugin can make: `csi.storage.k8s.io/fstype` (empty means {@link DEFAULT_FS_TYPE}). */
export type VolumeFsType = 'ext4' | 'xfs';

/** IO limits for cgroup v2 io.max; an absent field is unlimited. */
export interface IoThrottle {
  iops?: number;
  bpsBytes?: number;
}

/** What a StorageClass asks for, decoded. */
export type StorageClassSpec =
  | { volumeType: 'LVM'; vgName: string | undefined; isStriping: boolean; throttle: IoThrottle; fsType: VolumeFsType; thinPool?: string; overProvisioningRatio?: number }
  | { volumeType: 'Device' | 'MountPoint'; mediaType: VolumeMediaType; fsType: VolumeFsType };

/** What an inline ephemeral volume (`csi.volumeAttributes`) asks for, decoded. */
export interface InlineVolumeSpec {
  vgName: string;
  sizeBytes: number;
}

/** One refused parameter: its key, the value given (undefined when absent) and why. */
export interface ParameterIssue {
  field: string;
  value: string | undefined;
  reason: string;
}

/** A decoded value, or every issue found, in the order the keys are checked (report the first). */
export type ParameterResult<T> = { ok: true; value: T } | { ok: false; issues: ParameterIssue[] };

type Params = Readonly<Record<string, string | undefined>>;

const ALL_VOLUME_TYPES: readonly string[] = Object.values(VOLUME_TYPES);
const ALL_MEDIA_TYPES: readonly string[] = Object.values(MEDIA_TYPES);
// LVM's own rule for VG names: letters, digits and + _ . - , not starting with -, at most 127 characters.
const VG_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$/;
// A thin pool is an LV: the same characters, and none of the names or parts lvm keeps for itself.
const LV_RESERVED = /^(snapshot|pvmove)|_(cdata|cmeta|corig|mlog|mimage|pmspare|rimage|rmeta|tdata|tmeta|vorigin|vdata)/;

/** True when `value` is a name LVM accepts for a volume group (and no path trick such as `..`). */
export function isVolumeGroupName(value: string): boolean {
  return VG_NAME.test(value) && value !== '.' && value !== '..';
}

function isAbsent(value: string | undefined): value is undefined | '' {
  return value === undefined || value === '';
}

function quantityIssue(field: string, value: string, issues: ParameterIssue[]): number | undefined {
  try {
    return parseQuantityBytes(value);
  } catch (error) {
    if (!(error instanceof InvalidQuantityError)) throw error;
    issues.push({ field, value, reason: `not a quantity such as 1Gi, 500M or 1e9 (${error.message})` });
    return undefined;
  }
}

function vgNameIssue(field: string, value: string | undefined, issues: ParameterIssue[]): string | undefined {
  if (isAbsent(value)) return undefined;
  if (isVolumeGroupName(value)) return value;
  issues.push({ field, value, reason: 'not a valid volume group name' });
  return undefined;
}

/**
 * `iops` (a whole number) and `bps` (a quantity of bytes per second); absent, empty or `"0"` means no limit,
 * as Open-Local treats it.
 */
export function parseIoThrottle(params: Params): ParameterResult<IoThrottle> {
  const issues: ParameterIssue[] = [];
  const throttle: IoThrottle = {};
  const iops = params[STORAGE_CLASS_PARAMS.iops];
  if (!isAbsent(iops) && iops !== '0') {
    const n = Number(iops);
    if (/^[0-9]+$/.test(iops) && Number.isSafeInteger(n) && n > 0) throttle.iops = n;
    else issues.push({ field: STORAGE_CLASS_PARAMS.iops, value: iops, reason: 'must be a positive whole number' });
  }
  const bps = params[STORAGE_CLASS_PARAMS.bps];
  if (!isAbsent(bps) && bps !== '0') {
    const bytes = quantityIssue(STORAGE_CLASS_PARAMS.bps, bps, issues);
    if (bytes !== undefined) throttle.bpsBytes = bytes;
  }
  return issues.length === 0 ? { ok: true, value: throttle } : { ok: false, issues };
}

/** Why {@link fsTypeOf} refused a filesystem name. */
export const UNSUPPORTED_FS_TYPE = 'unsupported filesystem; use ext4 or xfs';

/**
 * A filesystem name — a StorageClass `csi.storage.k8s.io/fstype` or a CSI mount capability's `fs_type` — as one
 * the plugin can make: absent or empty means {@link DEFAULT_FS_TYPE}; undefined when unsupported.
 */
export function fsTypeOf(value: string | undefined): VolumeFsType | undefined {
  if (isAbsent(value)) return DEFAULT_FS_TYPE;
  return value === 'ext4' || value === 'xfs' ? value : undefined;
}

function parseFsType(params: Params, issues: ParameterIssue[]): VolumeFsType {
  const value = params[STORAGE_CLASS_PARAMS.fsType];
  const fsType = fsTypeOf(value);
  if (fsType !== undefined) return fsType;
  issues.push({ field: STORAGE_CLASS_PARAMS.fsType, value, reason: UNSUPPORTED_FS_TYPE });
  return DEFAULT_FS_TYPE;
}

function parseLvm(params: Params, issues: ParameterIssue[]): Omit<Extract<StorageClassSpec, { volumeType: 'LVM' }>, 'fsType'> {
  const lvmType = params[STORAGE_CLASS_PARAMS.lvmType];
  if (!isAbsent(lvmType) && lvmType !== LVM_TYPES.linear && lvmType !== LVM_TYPES.striping) {
    issues.push({ field: STORAGE_CLASS_PARAMS.lvmType, value: lvmType, reason: 'must be linear or striping' });
  }
  const vgName = vgNameIssue(STORAGE_CLASS_PARAMS.vgName, params[STORAGE_CLASS_PARAMS.vgName], issues);
  const throttle = parseIoThrottle(params);
  if (!throttle.ok) issues.push(...throttle.issues);
  const thinPool = thinPoolIssue(params, { vgName, isStriping: lvmType === LVM_TYPES.striping }, issues);
  return {
    volumeType: 'LVM',
    vgName,
    isStriping: lvmType === LVM_TYPES.striping,
    throttle: throttle.ok ? throttle.value : {},
    ...(thinPool === undefined ? {} : { thinPool }),
    ...ratioOf(params, thinPool, issues),
  };
}

/** `overProvisioningRatio`: a number from 1 to 1000, only with `thinPool`; absent means no limit but the pool's fill. */
function ratioOf(params: Params, thinPool: string | undefined, issues: ParameterIssue[]): { overProvisioningRatio?: number } {
  const field = STORAGE_CLASS_PARAMS.overProvisioningRatio;
  const value = params[field];
  if (isAbsent(value)) return {};
  const ratio = /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!(ratio >= 1 && ratio <= 1000)) {
    issues.push({ field, value, reason: 'must be a number from 1 to 1000 (how many times its size a thin pool may hand out)' });
    return {};
  }
  if (isAbsent(params[STORAGE_CLASS_PARAMS.thinPool])) {
    issues.push({ field, value, reason: 'only applies to a thin pool; set thinPool too' });
    return {};
  }
  return thinPool === undefined ? {} : { overProvisioningRatio: ratio };
}

/** `thinPool`: an LV name, only with a `vgName` (the pool lives in one VG) and not with striping. */
function thinPoolIssue(params: Params, lvm: { vgName: string | undefined; isStriping: boolean }, issues: ParameterIssue[]): string | undefined {
  const field = STORAGE_CLASS_PARAMS.thinPool;
  const value = params[field];
  if (isAbsent(value)) return undefined;
  if (!VG_NAME.test(value) || LV_RESERVED.test(value) || value === '.' || value === '..') {
    issues.push({ field, value, reason: 'not a valid thin pool (LV) name' });
  } else if (lvm.vgName === undefined && isAbsent(params[STORAGE_CLASS_PARAMS.vgName])) {
    issues.push({ field, value, reason: 'needs vgName: a thin pool lives in one volume group' });
  } else if (lvm.isStriping) {
    issues.push({ field, value, reason: 'a thin volume cannot also be lvmType striping (the pool decides the layout)' });
  } else {
    return value;
  }
  return undefined;
}

// Go's strconv.ParseBool, which Open-Local uses for both keys.
const GO_TRUE: readonly string[] = ['1', 't', 'T', 'true', 'TRUE', 'True'];
const GO_FALSE: readonly string[] = ['0', 'f', 'F', 'false', 'FALSE', 'False'];

/** `spdk` and `direct`: Open-Local features this project does not have, so only false (or absent) is accepted. */
function unsupportedFeatureIssues(params: Params, issues: ParameterIssue[]): void {
  const features = [
    [STORAGE_CLASS_PARAMS.spdk, 'SPDK volumes are not supported'],
    [STORAGE_CLASS_PARAMS.direct, 'Kata direct volumes are not supported'],
  ] as const;
  for (const [field, what] of features) {
    const value = params[field];
    if (isAbsent(value) || GO_FALSE.includes(value)) continue;
    const reason = GO_TRUE.includes(value) ? `${what}; use false or leave it out` : 'must be true or false (and only false is supported)';
    issues.push({ field, value, reason });
  }
}

function parseMediaType(params: Params, volumeType: VolumeType, issues: ParameterIssue[]): VolumeMediaType {
  const value = params[STORAGE_CLASS_PARAMS.mediaType];
  if (value !== undefined && ALL_MEDIA_TYPES.includes(value)) return value as VolumeMediaType;
  const reason = isAbsent(value) ? `is required for volumeType ${volumeType} (ssd or hdd)` : `must be ssd or hdd for ${volumeType}`;
  issues.push({ field: STORAGE_CLASS_PARAMS.mediaType, value, reason });
  return MEDIA_TYPES.ssd;
}

/**
 * Decodes a StorageClass's `parameters` (Open-Local v0.7.1 keys): `volumeType` (LVM, Device, MountPoint;
 * case-sensitive), for LVM `vgName`, `lvmType` (linear | striping), `iops`, `bps`, `thinPool` (with `vgName`) and
 * `overProvisioningRatio` (with `thinPool`), for Device and MountPoint
 * `mediaType` (ssd | hdd), and `csi.storage.k8s.io/fstype` (ext4 | xfs); `spdk` and `direct` only as false. Other
 * keys are ignored.
 * @returns the spec, or every issue in check order (volumeType, then lvmType, vgName, iops, bps or mediaType, then fstype)
 */
export function parseStorageClassParameters(params: Params): ParameterResult<StorageClassSpec> {
  const issues: ParameterIssue[] = [];
  const volumeType = params[STORAGE_CLASS_PARAMS.volumeType];
  if (volumeType === undefined || !ALL_VOLUME_TYPES.includes(volumeType)) {
    const reason = isAbsent(volumeType)
      ? `is required (${ALL_VOLUME_TYPES.join(', ')})`
      : `unknown volume type; must be one of ${ALL_VOLUME_TYPES.join(', ')} (case-sensitive)`;
    return { ok: false, issues: [{ field: STORAGE_CLASS_PARAMS.volumeType, value: volumeType, reason }] };
  }
  const typed = volumeType as VolumeType;
  const base = typed === VOLUME_TYPES.lvm ? parseLvm(params, issues) : { volumeType: typed as 'Device' | 'MountPoint', mediaType: parseMediaType(params, typed, issues) };
  const fsType = parseFsType(params, issues);
  unsupportedFeatureIssues(params, issues);
  return issues.length === 0 ? { ok: true, value: { ...base, fsType } } : { ok: false, issues };
}

/**
 * Decodes an inline ephemeral volume's `csi.volumeAttributes`: `vgName` (required) and `size` (a quantity of
 * bytes; absent or empty means {@link EPHEMERAL_DEFAULT_SIZE}). Other keys are ignored.
 * @returns the spec, or every issue (vgName first, then size)
 */
export function parseInlineVolumeAttributes(attributes: Params): ParameterResult<InlineVolumeSpec> {
  const issues: ParameterIssue[] = [];
  const rawVg = attributes[VOLUME_CONTEXT_KEYS.vgName];
  if (isAbsent(rawVg)) issues.push({ field: VOLUME_CONTEXT_KEYS.vgName, value: rawVg, reason: 'is required' });
  const vgName = vgNameIssue(VOLUME_CONTEXT_KEYS.vgName, rawVg, issues);
  const rawSize = attributes[VOLUME_CONTEXT_KEYS.size];
  const sizeBytes = quantityIssue(VOLUME_CONTEXT_KEYS.size, isAbsent(rawSize) ? EPHEMERAL_DEFAULT_SIZE : rawSize, issues);
  if (vgName === undefined || sizeBytes === undefined) return { ok: false, issues };
  return { ok: true, value: { vgName, sizeBytes } };
}
