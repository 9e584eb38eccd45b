// Volume ids and names: they become LV names, claim file names and log fields, so only a conservative
// character set is accepted and anything that could act as a path is refused before it goes further.
import { createHash } from 'node:crypto';
import { InvalidFieldError, missingField } from './errors.js';

/** CSI allows names up to 128 bytes; csi-sanity tries exactly that length. */
export const MAX_VOLUME_ID_LENGTH = 128;
/** lvm's NAME_LEN is 128 including the terminating NUL. */
export const MAX_LV_NAME_LENGTH = 127;

const VOLUME_ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
// Sub-volume suffixes and prefixes lvm keeps for itself (lvm2 lib/misc/lvm-string.c).
const LVM_RESERVED_PARTS = ['_cdata', '_cmeta', '_corig', '_mlog', '_mimage', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vorigin', '_vdata'];
const LVM_RESERVED_PREFIXES = ['snapshot', 'pvmove'];

/** Checks a volume id or name: present, at most 128 characters, letters/digits/`_.+-`, no path characters. */
export function validateVolumeId(value: string, field: string): string {
  if (value === '') throw missingField(field);
  if (value.length > MAX_VOLUME_ID_LENGTH) {
    throw new InvalidFieldError(field, value, `longer than ${MAX_VOLUME_ID_LENGTH} characters`);
  }
  if (!VOLUME_ID.test(value)) {
    throw new InvalidFieldError(field, value, 'may contain only letters, digits and _ . + - and must start with a letter or digit (no path characters)');
  }
  return value;
}

/** Extra rules for an id that becomes an LV name. Returns a reason, or null when lvm accepts it. */
export function lvNameProblem(name: string): string | null {
  if (name.length > MAX_LV_NAME_LENGTH) return `LVM volume names are limited to ${MAX_LV_NAME_LENGTH} characters`;
  const prefix = LVM_RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (prefix !== undefined) return `names starting with "${prefix}" are reserved by lvm`;
  const part = LVM_RESERVED_PARTS.find((p) => name.includes(p));
  if (part !== undefined) return `"${part}" is reserved by lvm`;
  return null;
}

/** validateVolumeId plus the LV-name rules. */
export function validateLvVolumeName(value: string, field: string): string {
  validateVolumeId(value, field);
  const problem = lvNameProblem(value);
  if (problem !== null) throw new InvalidFieldError(field, value, problem);
  return value;
}

/** Device-mapper names are `<vg>-<lv>` with every '-' doubled, at most 127 characters (DM_NAME_LEN). */
export const MAX_DM_NAME_LENGTH = 127;
/** Longest (dash-doubled) LV name kept as is; leaves 46 characters for the VG name. */
const MAX_KEPT_LV_LENGTH = 80;

function dmEscapedLength(name: string): number {
  return name.length + (name.match(/-/g)?.length ?? 0);
}

/**
 * The LV name (and so the volume id) for a CreateVolume name. PV names (`local-<uid>`) are kept as they are;
 * a name too long for device-mapper (csi-sanity tries 128 characters) keeps its first 30 characters without
 * dashes plus 16 hex digits of its SHA-256: deterministic, so a retried CreateVolume finds the same LV.
 */
export function lvNameForVolume(name: string): string {
  if (dmEscapedLength(name) <= MAX_KEPT_LV_LENGTH) return name;
  return `${name.slice(0, 30).replace(/-/g, '')}_${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

/** Why `<vg>/<lv>` cannot exist (its device-mapper name would be too long), or null. */
export function dmNameProblem(vgName: string, lvName: string): string | null {
  const length = dmEscapedLength(vgName) + 1 + dmEscapedLength(lvName);
  return length > MAX_DM_NAME_LENGTH ? `device-mapper name of ${vgName}/${lvName} would be ${length} characters (at most ${MAX_DM_NAME_LENGTH})` : null;
}
