// CapacityRange → the size to allocate. int64 fields arrive as decimal strings (loader option longs: String)
// so sizes beyond 2^53 are caught here instead of silently losing precision.
import { CsiError, InvalidFieldError } from './errors.js';

/** The bytes a caller asks for: at least `requiredBytes`, at most `limitBytes` (0 = no limit). */
export interface SizeRequest {
  requiredBytes: number;
  limitBytes: number;
}

/** Shape of the generated CapacityRange as the loader delivers it. */
export interface CapacityRangeInput {
  required_bytes: string;
  limit_bytes: string;
}

function toBytes(text: string, field: string): number {
  if (!/^-?[0-9]+$/.test(text)) throw new InvalidFieldError(field, text, 'not an integer');
  const value = BigInt(text);
  if (value < 0n) throw new InvalidFieldError(field, text, 'must not be negative');
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CsiError('OUT_OF_RANGE', `${field} ${text} is beyond any size this plugin can allocate (2^53 bytes)`);
  }
  return Number(value);
}

/**
 * Validates a capacity range. Absent → null (the caller picks its default). Present but both zero, a negative
 * value or limit below required → INVALID_ARGUMENT naming the field.
 */
export function parseCapacityRange(range: CapacityRangeInput | null, field: string): SizeRequest | null {
  if (range === null) return null;
  const requiredBytes = toBytes(range.required_bytes, `${field}.required_bytes`);
  const limitBytes = toBytes(range.limit_bytes, `${field}.limit_bytes`);
  if (requiredBytes === 0 && limitBytes === 0) {
    throw new InvalidFieldError(`${field}.required_bytes`, 0, 'a capacity range needs required_bytes or limit_bytes above zero');
  }
  if (limitBytes !== 0 && limitBytes < requiredBytes) {
    throw new InvalidFieldError(`${field}.limit_bytes`, limitBytes, `is below required_bytes ${requiredBytes}`);
  }
  return { requiredBytes, limitBytes };
}

/** Whether an existing size satisfies a request (used for idempotent CreateVolume). */
export function sizeSatisfies(sizeBytes: number, request: SizeRequest): boolean {
  return sizeBytes >= request.requiredBytes && (request.limitBytes === 0 || sizeBytes <= request.limitBytes);
}

/** Rounds up to a multiple of `unitBytes` (LVM extents) and checks the limit still holds. */
export function roundUpToUnit(request: SizeRequest, unitBytes: number): number {
  // Only a limit: take the largest whole number of units under it.
  const rounded =
    request.requiredBytes === 0
      ? Math.floor(request.limitBytes / unitBytes) * unitBytes
      : Math.ceil(request.requiredBytes / unitBytes) * unitBytes;
  if (rounded === 0 || (request.limitBytes !== 0 && rounded > request.limitBytes)) {
    throw new CsiError('OUT_OF_RANGE', `no multiple of ${unitBytes} bytes lies between required ${request.requiredBytes} and limit ${request.limitBytes}`);
  }
  return rounded;
}
