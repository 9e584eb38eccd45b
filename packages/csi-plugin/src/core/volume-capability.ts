// Volume capabilities: which access modes and access types a volume kind supports. Returns reasons rather
// than booleans so ValidateVolumeCapabilities can tell the caller what is wrong.
import { CsiError, InvalidFieldError, missingField } from './errors.js';
import { parseFsType, type FsType, type VolumeType } from './parameters.js';

/** The generated VolumeCapability as the loader delivers it (enums as names, oneofs named). */
export interface CapabilityInput {
  block?: object | null;
  mount?: { fs_type: string; mount_flags: string[]; volume_mount_group?: string } | null;
  access_mode: { mode: string } | null;
  access_type?: 'block' | 'mount' | undefined;
}

export type AccessKind = { kind: 'block' } | { kind: 'mount'; fsType: FsType; mountFlags: string[] };

/** Local volumes live on one node: only the single-node writer modes make sense. */
export const SUPPORTED_ACCESS_MODES = ['SINGLE_NODE_WRITER', 'SINGLE_NODE_SINGLE_WRITER'] as const;

const MOUNT_FLAG = /^[A-Za-z0-9_][A-Za-z0-9_=.,:/+@-]*$/;

function accessModeProblem(capability: CapabilityInput): string | null {
  const mode = capability.access_mode?.mode ?? 'UNKNOWN';
  if ((SUPPORTED_ACCESS_MODES as readonly string[]).includes(mode)) return null;
  return `access mode ${mode} is not supported; only ${SUPPORTED_ACCESS_MODES.join(' and ')} (ReadWriteOnce / ReadWriteOncePod)`;
}

function isBlock(capability: CapabilityInput): boolean {
  return capability.access_type === 'block' || Boolean(capability.block);
}

function isMount(capability: CapabilityInput): boolean {
  return capability.access_type === 'mount' || Boolean(capability.mount);
}

/** Why this capability cannot be served for this volume type, or null when it can. */
export function capabilityProblem(capability: CapabilityInput, volumeType: VolumeType | undefined): string | null {
  const modeProblem = accessModeProblem(capability);
  if (modeProblem !== null) return modeProblem;
  if (isBlock(capability)) return volumeType === 'MountPoint' ? 'MountPoint volumes cannot be raw block volumes' : null;
  if (!isMount(capability)) return 'access_type must be block or mount';
  const fsType = capability.mount?.fs_type ?? '';
  return fsType === '' || fsType === 'ext4' || fsType === 'xfs' ? null : `filesystem ${fsType} is not supported; use ext4 or xfs`;
}

/** Validates a capability list for CreateVolume / ValidateVolumeCapabilities (field names in errors). */
export function validateCapabilities(capabilities: readonly CapabilityInput[], volumeType: VolumeType | undefined, field: string): void {
  if (capabilities.length === 0) throw missingField(field);
  capabilities.forEach((capability, i) => {
    const problem = capabilityProblem(capability, volumeType);
    if (problem !== null) throw new InvalidFieldError(`${field}[${i}]`, capability.access_mode?.mode ?? 'UNKNOWN', problem);
  });
}

/** Reads one capability for Stage/Publish: block, or mount with filesystem and validated mount flags. */
export function toAccessKind(capability: CapabilityInput | null, volumeType: VolumeType, field: string): AccessKind {
  if (capability === null) throw missingField(field);
  const problem = capabilityProblem(capability, volumeType);
  if (problem !== null) {
    // An access mode we cannot honour on a node is a capability mismatch rather than malformed input.
    throw new CsiError('INVALID_ARGUMENT', `${field}: ${problem}`);
  }
  if (isBlock(capability)) return { kind: 'block' };
  const mount = capability.mount ?? { fs_type: '', mount_flags: [] };
  mount.mount_flags.forEach((flag, i) => {
    if (!MOUNT_FLAG.test(flag)) throw new InvalidFieldError(`${field}.mount.mount_flags[${i}]`, flag, 'not a mount option');
  });
  return { kind: 'mount', fsType: parseFsType(mount.fs_type, `${field}.mount.fs_type`), mountFlags: [...mount.mount_flags] };
}
