// StorageClass parameters (and inline-volume attributes) → a typed volume spec, through @openlocal/crd-types'
// decoders (the extender uses the same), with the first refused key named in an INVALID_ARGUMENT error.
import {
  fsTypeOf,
  isVolumeGroupName,
  parseInlineVolumeAttributes,
  parseIoThrottle,
  parseStorageClassParameters,
  type InlineVolumeSpec,
  type IoThrottle,
  type ParameterResult,
  type StorageClassSpec,
  type VolumeFsType,
  type VolumeMediaType,
  UNSUPPORTED_FS_TYPE,
} from '@openlocal/crd-types';
import { CsiError, InvalidFieldError } from './errors.js';

export type MediaType = VolumeMediaType;
export type FsType = VolumeFsType;
export type { IoThrottle };
export type VolumeSpec = StorageClassSpec;
export type VolumeType = VolumeSpec['volumeType'];

/**
 * The value, or an InvalidFieldError naming `prefix["<key>"]` of the first issue. With `isMissingRequired`, a
 * field that is simply absent reads "<field> is required" (the inline attributes' wording since before #13).
 */
function unwrap<T>(result: ParameterResult<T>, prefix: string, isMissingRequired = false): T {
  if (result.ok) return result.value;
  const [issue] = result.issues;
  const field = `${prefix}["${issue?.field ?? ''}"]`;
  if (isMissingRequired && issue?.value === undefined && issue?.reason === 'is required') throw new CsiError('INVALID_ARGUMENT', `${field} is required`);
  throw new InvalidFieldError(field, issue?.value, issue?.reason ?? 'invalid');
}

/** iops and bps; empty or "0" means no limit. `prefix` names the map in errors, e.g. `volume_context`. */
export function parseThrottle(parameters: Readonly<Record<string, string>>, prefix: string): IoThrottle {
  return unwrap(parseIoThrottle(parameters), prefix);
}

/** Checks a VG name from a request or plan; undefined when absent. */
export function parseVgName(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isVolumeGroupName(value)) throw new InvalidFieldError(name, value, 'not a valid volume group name');
  return value;
}

/** Parses `volumeType` and its companions. `prefix` names the map in errors, e.g. `parameters`. */
export function parseVolumeSpec(parameters: Readonly<Record<string, string>>, prefix: string): VolumeSpec {
  return unwrap(parseStorageClassParameters(parameters), prefix);
}

/** An inline ephemeral volume's vgName and size (default 1Gi). `prefix` names the map in errors. */
export function parseInlineVolume(attributes: Readonly<Record<string, string>>, prefix: string): InlineVolumeSpec {
  return unwrap(parseInlineVolumeAttributes(attributes), prefix, true);
}

/** The filesystem for a mount capability: its fs_type, else the StorageClass fstype, else ext4. */
export function parseFsType(value: string, name: string): FsType {
  const fsType = fsTypeOf(value);
  if (fsType === undefined) throw new InvalidFieldError(name, value, UNSUPPORTED_FS_TYPE);
  return fsType;
}
