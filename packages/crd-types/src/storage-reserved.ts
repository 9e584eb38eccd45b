// The NLS annotation csi.aliyun.com/storage-reserved ({"<vg>": "100Gi" | "10%"}) and its effect on allocatable.
import { InvalidQuantityError, InvalidReservationError } from './errors.js';
import { parseLegacySizeBytes } from './quantity.js';

/** What one VG keeps back: a fixed size or a share of the VG's total. */
export type Reservation =
  | { kind: 'bytes'; bytes: number }
  /** `percent` is 0..100; `text` keeps the user's digits so the share is computed exactly. */
  | { kind: 'percent'; percent: number; text: string };

/** The parsed annotation: valid entries by VG name, plus every problem found. */
export interface StorageReserve {
  /** Valid entries, by VG name. */
  byVg: ReadonlyMap<string, Reservation>;
  /** VGs whose entry is malformed; see {@link allocatableWithReserve} for how they are treated. */
  invalidVgNames: ReadonlySet<string>;
  /** True when the annotation is present but is not a JSON object of strings at all. */
  isMalformed: boolean;
  /** One error per problem, naming the VG and the value. */
  errors: InvalidReservationError[];
}

const PERCENT = /^(\d+(?:\.\d+)?)\s*%$/;

/** Parses one entry value: `"10%"`, `"12.5%"`, or a size (`"100Gi"`, `"100G"`, legacy `"100GB"`). */
export function parseReservation(vgName: string, value: unknown): Reservation {
  if (typeof value !== 'string') throw new InvalidReservationError({ vgName, value, reason: 'expected a string such as "100Gi" or "10%"' });
  const text = value.trim();
  const percent = PERCENT.exec(text);
  if (percent !== null) {
    const digits = percent[1] ?? '';
    const share = Number(digits);
    if (share > 100) throw new InvalidReservationError({ vgName, value, reason: 'a percentage must be between 0% and 100%' });
    return { kind: 'percent', percent: share, text: digits };
  }
  try {
    return { kind: 'bytes', bytes: parseLegacySizeBytes(text) };
  } catch (error) {
    if (!(error instanceof InvalidQuantityError)) throw error;
    throw new InvalidReservationError({ vgName, value, reason: `expected a size such as "100Gi" or a percentage such as "10%": ${error.message}`, cause: error });
  }
}

/**
 * Parses the annotation value. Never throws: a malformed entry is reported and listed in `invalidVgNames`, a
 * malformed annotation sets `isMalformed`, and the other entries still count (Open-Local v0.7.1 instead
 * abandoned the node's whole discovery pass on any parse error). Absent or empty annotation ⇒ no reservations.
 */
export function parseStorageReserved(annotation: string | undefined): StorageReserve {
  const reserve = { byVg: new Map<string, Reservation>(), invalidVgNames: new Set<string>(), isMalformed: false, errors: [] as InvalidReservationError[] };
  if (annotation === undefined || annotation.trim() === '') return reserve;
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch (error) {
    reserve.errors.push(new InvalidReservationError({ vgName: undefined, value: annotation, reason: 'not valid JSON', cause: error }));
    return { ...reserve, isMalformed: true };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    reserve.errors.push(new InvalidReservationError({ vgName: undefined, value: parsed, reason: 'expected a JSON object such as {"open-local-pool-0":"100Gi"}' }));
    return { ...reserve, isMalformed: true };
  }
  for (const [vgName, value] of Object.entries(parsed)) {
    try {
      reserve.byVg.set(vgName, parseReservation(vgName, value));
    } catch (error) {
      if (!(error instanceof InvalidReservationError)) throw error;
      reserve.errors.push(error);
      reserve.invalidVgNames.add(vgName);
    }
  }
  return reserve;
}

function requireBytes(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidQuantityError(value, `${what} must be a non-negative safe integer`);
}

/**
 * Bytes a reservation keeps back from a VG of `totalBytes`; a percentage rounds up, so the reserve is never short.
 * @throws {InvalidQuantityError} when `totalBytes` is not a non-negative safe integer
 */
export function reservedBytes(reservation: Reservation, totalBytes: number): number {
  requireBytes(totalBytes, 'totalBytes');
  if (reservation.kind === 'bytes') return reservation.bytes;
  const [whole = '0', fraction = ''] = reservation.text.split('.');
  const numerator = BigInt(totalBytes) * BigInt(`${whole}${fraction}`);
  const denominator = 100n * 10n ** BigInt(fraction.length);
  return Number((numerator + denominator - 1n) / denominator);
}

/**
 * Caps a VG's allocatable bytes by its reservation: `min(allocatable, max(0, total - reserved))`, for sizes and
 * percentages alike (v0.7.1 used the raw size field here, so a "10%" entry set allocatable to the VG total).
 * No reservation ⇒ allocatable unchanged.
 * @throws {InvalidQuantityError} when a byte count is not a non-negative safe integer
 */
export function applyReserved(totalBytes: number, allocatableBytes: number, reservation: Reservation | undefined): number {
  requireBytes(allocatableBytes, 'allocatableBytes');
  if (reservation === undefined) return allocatableBytes;
  const cap = Math.max(0, totalBytes - reservedBytes(reservation, totalBytes));
  return Math.min(allocatableBytes, cap);
}

/** A VG as the agent reports it. */
export interface VgCapacity {
  name: string;
  totalBytes: number;
  allocatableBytes: number;
}

/**
 * The allocatable bytes to publish for a VG given the parsed annotation. Fails closed: when the annotation is
 * malformed, or this VG's entry is, nothing is allocatable (0) until the user fixes it, because we cannot know
 * how much they meant to keep back and over-committing reserved space cannot be undone.
 */
export function allocatableWithReserve(vg: VgCapacity, reserve: StorageReserve): number {
  if (reserve.isMalformed || reserve.invalidVgNames.has(vg.name)) return 0;
  return applyReserved(vg.totalBytes, vg.allocatableBytes, reserve.byVg.get(vg.name));
}
