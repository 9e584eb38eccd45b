// Validation of every value that reaches an lvm, mkfs or mount argv. LVM's own rules (lvm(8) "VALID NAMES")
// plus ours: nothing may start with '-' (it would read as an option) and no path tricks.
import { InvalidArgumentError } from './errors.js';

const NAME_CHARS = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]*$/;
const MAX_NAME_LENGTH = 127;
// Sub-LV suffixes and prefixes lvm reserves for its own hidden volumes.
const RESERVED_LV_PARTS = ['_cdata', '_cmeta', '_corig', '_mlog', '_mimage', '_pmspare', '_rimage', '_rmeta', '_tdata', '_tmeta', '_vdata', '_vorigin', '_wcorig'];
const RESERVED_LV_PREFIXES = ['snapshot', 'pvmove'];
const TAG_CHARS = /^[A-Za-z0-9_+.=:/!&#][A-Za-z0-9_+.=:/!&#-]*$/;
const DEVICE_PATH = /^\/dev\/[A-Za-z0-9_+.:@=-]+(\/[A-Za-z0-9_+.:@=-]+)*$/;

function checkName(field: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new InvalidArgumentError('INVALID_NAME', { field, value: name, reason: 'must be a non-empty string' });
  if (name.length > MAX_NAME_LENGTH) throw new InvalidArgumentError('INVALID_NAME', { field, value: name, reason: `longer than ${MAX_NAME_LENGTH} characters` });
  if (name === '.' || name === '..') throw new InvalidArgumentError('INVALID_NAME', { field, value: name, reason: 'is a path component' });
  if (!NAME_CHARS.test(name)) {
    throw new InvalidArgumentError('INVALID_NAME', { field, value: name, reason: 'may contain only A-Z a-z 0-9 + _ . - and must not start with -' });
  }
  return name;
}

/** Throws InvalidArgumentError(INVALID_NAME) unless `name` is a VG name lvm accepts and no shell or path trick. */
export function validateVgName(name: unknown, field = 'vgName'): string {
  return checkName(field, name);
}

/** Like validateVgName, and also refuses the names lvm reserves for hidden sub-volumes. */
export function validateLvName(name: unknown, field = 'lvName'): string {
  const checked = checkName(field, name);
  if (RESERVED_LV_PREFIXES.some((prefix) => checked.startsWith(prefix))) {
    throw new InvalidArgumentError('INVALID_NAME', { field, value: name, reason: `names starting with ${RESERVED_LV_PREFIXES.join(' or ')} are reserved by lvm` });
  }
  const part = RESERVED_LV_PARTS.find((p) => checked.includes(p));
  if (part !== undefined) throw new InvalidArgumentError('INVALID_NAME', { field, value: name, reason: `"${part}" is reserved by lvm` });
  return checked;
}

/** An LVM tag: lvm's tag characters, at most 1024 long, not starting with '-'. */
export function validateTag(tag: unknown, field = 'tag'): string {
  if (typeof tag !== 'string' || tag === '' || tag.length > 1024 || !TAG_CHARS.test(tag)) {
    throw new InvalidArgumentError('INVALID_NAME', { field, value: tag, reason: 'tags may contain only A-Z a-z 0-9 _ + . - = : / ! & # and must not start with -' });
  }
  return tag;
}

/** A device node path under /dev with no '..' or odd characters. */
export function validateDevicePath(path: unknown, field = 'device'): string {
  if (typeof path !== 'string' || !DEVICE_PATH.test(path) || path.split('/').some((part) => part === '..' || part === '.')) {
    throw new InvalidArgumentError('INVALID_NAME', { field, value: path, reason: 'must be a device path like /dev/sdb' });
  }
  return path;
}

/** A byte count: a positive safe integer. */
export function validateSizeBytes(size: unknown, field = 'sizeBytes'): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) {
    throw new InvalidArgumentError('INVALID_SIZE', { field, value: size, reason: 'must be a positive whole number of bytes' });
  }
  return size;
}
