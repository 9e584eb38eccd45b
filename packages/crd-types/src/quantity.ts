// Kubernetes resource quantities as byte counts: exact parsing (BigInt, no float rounding) and formatting.
import { InvalidQuantityError } from './errors.js';

const BINARY_SUFFIXES: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL_EXPONENTS: Readonly<Record<string, number>> = { '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

// <sign><digits>[.<digits>] then a binary suffix, a decimal suffix or an integer exponent (Kubernetes' grammar).
const QUANTITY = /^(?<sign>[+-]?)(?<int>\d*)(?:\.(?<frac>\d*))?(?:(?<binary>Ki|Mi|Gi|Ti|Pi|Ei)|(?<exp>[eE][+-]?\d+)|(?<decimal>m|k|M|G|T|P|E)?)$/;
// docker/go-units RAMInBytes spellings that Kubernetes rejects; Open-Local v0.7.1 read them as binary.
const GO_UNITS = /^(\d+(?:\.\d+)?) ?([kKmMgGtTpP])?([iI])?([bB])?$/;
const GO_UNITS_SHIFT: Readonly<Record<string, bigint>> = { k: 10n, m: 20n, g: 30n, t: 40n, p: 50n };

// Inputs are configuration strings; these bounds keep BigInt work trivial on hostile input.
const MAX_LENGTH = 64;
const MAX_EXPONENT = 40;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

interface Rational {
  numerator: bigint;
  denominator: bigint;
}

function decimalToRational(intDigits: string, fracDigits: string): Rational {
  return { numerator: BigInt(`${intDigits}${fracDigits}` || '0'), denominator: 10n ** BigInt(fracDigits.length) };
}

// 'exact' refuses a fraction of a byte (user input); 'ceil' rounds it up as Kubernetes' Quantity.Value() does.
type Rounding = 'exact' | 'ceil';

function toSafeBytes(value: Rational, original: unknown, rounding: Rounding = 'exact'): number {
  const remainder = value.numerator % value.denominator;
  if (remainder !== 0n && rounding === 'exact') throw new InvalidQuantityError(original, 'a byte count must be a whole number of bytes');
  const bytes = value.numerator / value.denominator + (remainder === 0n ? 0n : 1n);
  if (bytes > MAX_SAFE) throw new InvalidQuantityError(original, `exceeds ${Number.MAX_SAFE_INTEGER} bytes, the largest exact integer`);
  return Number(bytes);
}

function scale(value: Rational, multiplier: bigint, exponent: number): Rational {
  const numerator = value.numerator * multiplier * (exponent > 0 ? 10n ** BigInt(exponent) : 1n);
  const denominator = value.denominator * (exponent < 0 ? 10n ** BigInt(-exponent) : 1n);
  return { numerator, denominator };
}

// The multiplier and power of ten a quantity's suffix stands for.
function suffixScale(text: string, groups: Partial<Record<string, string>>, rounding: Rounding): { multiplier: bigint; exponent: number } {
  if (groups.binary !== undefined) return { multiplier: BINARY_SUFFIXES[groups.binary] ?? 1n, exponent: 0 };
  if (groups.decimal === 'm') {
    if (rounding === 'exact') throw new InvalidQuantityError(text, '"m" means milli (1/1000) in Kubernetes quantities; bytes are whole, did you mean "Mi"?');
    return { multiplier: 1n, exponent: -3 };
  }
  const exponent = groups.exp === undefined ? DECIMAL_EXPONENTS[groups.decimal ?? ''] ?? 0 : Number(groups.exp.slice(1));
  if (Math.abs(exponent) > MAX_EXPONENT) throw new InvalidQuantityError(text, `exponent ${exponent} is out of range`);
  return { multiplier: 1n, exponent };
}

function parseKubernetes(text: string, rounding: Rounding = 'exact'): number | undefined {
  const groups = QUANTITY.exec(text)?.groups;
  if (groups === undefined) return undefined;
  const { sign = '', int = '', frac = '' } = groups;
  if (int === '' && frac === '') return undefined;
  if (sign === '-' && /[1-9]/.test(int + frac)) throw new InvalidQuantityError(text, 'a byte count cannot be negative');
  const { multiplier, exponent } = suffixScale(text, groups, rounding);
  return toSafeBytes(scale(decimalToRational(int, frac), multiplier, exponent), text, rounding);
}

// Binary shift of a go-units unit letter with its optional `i` and `B`; undefined when not a go-units size.
function goUnitsShift(letter: string | undefined, iMark: string | undefined, bMark: string | undefined): bigint | undefined {
  // go-units reads "100i" and "100ib" as plain bytes; so do we.
  if (letter === undefined) return 0n;
  // A bare lowercase "m" is milli to Kubernetes and MiB to go-units: too ambiguous to guess for a size.
  if (letter === 'm' && iMark === undefined && bMark === undefined) return undefined;
  return GO_UNITS_SHIFT[letter.toLowerCase()];
}

function parseGoUnits(text: string): number | undefined {
  const m = GO_UNITS.exec(text);
  if (m === null) return undefined;
  const shift = goUnitsShift(m[2], m[3], m[4]);
  if (shift === undefined) return undefined;
  const [intDigits = '', fracDigits = ''] = (m[1] ?? '').split('.');
  return toSafeBytes(scale(decimalToRational(intDigits, fracDigits), 1n << shift, 0), text);
}

/**
 * Parses a Kubernetes quantity that counts bytes: `1073741824`, `1Gi` (binary Ki..Ei), `1G` (decimal k, M, G,
 * T, P, E), `1.5Gi`, `1e9`, `0.5Ki`. A finite non-negative safe-integer number is accepted as bytes as well.
 * @returns the exact number of bytes, a safe integer
 * @throws {InvalidQuantityError} naming the value: bad syntax, negative, milli (`m`), fractional bytes, or above 2^53-1
 */
export function parseQuantityBytes(value: string | number): number {
  return parseWith(value, 'exact');
}

/**
 * The byte count Kubernetes' `Quantity.Value()` reads from an object the API server already accepted (a PVC's
 * request, a PV's capacity, an NLS status): the grammar of {@link parseQuantityBytes}, but a fraction of a byte,
 * milli included (`1500m`, `1.5`), rounds up to the next whole byte instead of being refused.
 * @throws {InvalidQuantityError} naming the value: bad syntax, negative, or above 2^53-1
 */
export function parseQuantityValueBytes(value: string | number): number {
  return parseWith(value, 'ceil');
}

/** {@link parseQuantityValueBytes}, or undefined where it would throw (for decoders that report the field themselves). */
export function quantityValueBytesOrUndefined(value: string | number): number | undefined {
  try {
    return parseWith(value, 'ceil');
  } catch (error) {
    if (error instanceof InvalidQuantityError) return undefined;
    throw error;
  }
}

function parseWith(value: string | number, rounding: Rounding): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new InvalidQuantityError(value, 'a byte count must be a non-negative safe integer');
  }
  if (typeof value !== 'string') throw new InvalidQuantityError(value, 'expected a string such as "10Gi"');
  const text = value.trim();
  if (text.length === 0 || text.length > MAX_LENGTH) throw new InvalidQuantityError(value, `expected 1 to ${MAX_LENGTH} characters such as "10Gi"`);
  const bytes = parseKubernetes(text, rounding);
  if (bytes === undefined) throw new InvalidQuantityError(value, 'not a Kubernetes quantity (examples: 1073741824, 10Gi, 500M, 1e9)');
  return bytes;
}

/**
 * Like {@link parseQuantityBytes}, and also accepts the docker/go-units spellings Kubernetes rejects but
 * Open-Local v0.7.1 took (`100GB`, `100gb`, `100GiB`, `100g`, `512 MB`, `100b`); those are binary, as they were
 * there. Spellings valid in both (`100G`, `100k`) follow Kubernetes: decimal, as in Open-Local after v0.7.1.
 * A bare lowercase `m` (milli to Kubernetes, MiB to go-units) is refused rather than guessed.
 */
export function parseLegacySizeBytes(value: string | number): number {
  if (typeof value !== 'string' || parseOrUndefined(value) !== undefined) return parseQuantityBytes(value);
  // "100 G" is the same as "100G": Kubernetes semantics for every spelling Kubernetes itself accepts.
  const text = value.trim().replace(/^(\d+(?:\.\d+)?) (?=[A-Za-z])/, '$1');
  if (parseOrUndefined(text) !== undefined) return parseQuantityBytes(text);
  if (text.length <= MAX_LENGTH) {
    const legacy = parseGoUnits(text);
    if (legacy !== undefined) return legacy;
  }
  return parseQuantityBytes(value);
}

function parseOrUndefined(value: string): number | undefined {
  try {
    return parseQuantityBytes(value);
  } catch (error) {
    if (error instanceof InvalidQuantityError) return undefined;
    throw error;
  }
}

/**
 * Formats a byte count as the shortest exact quantity: the largest binary suffix that divides it (`1Gi`),
 * else the largest decimal one (`1500M`), else plain bytes. `parseQuantityBytes(formatBytes(n)) === n`.
 * @throws {InvalidQuantityError} when `bytes` is not a non-negative safe integer
 */
export function formatBytes(bytes: number): string {
  const binary = formatBinaryBytes(bytes);
  if (bytes === 0 || binary !== String(bytes)) return binary;
  const big = BigInt(bytes);
  for (const suffix of ['E', 'P', 'T', 'G', 'M', 'k']) {
    const unit = 10n ** BigInt(DECIMAL_EXPONENTS[suffix] ?? 0);
    if (big % unit === 0n) return `${big / unit}${suffix}`;
  }
  return String(bytes);
}

/**
 * Formats a byte count as Kubernetes prints a BinarySI quantity, the form Open-Local's messages use: the largest
 * binary suffix that divides it (`10Gi`, `1536Mi`), else plain bytes (`1001`, `1500000000`).
 * @throws {InvalidQuantityError} when `bytes` is not a non-negative safe integer
 */
export function formatBinaryBytes(bytes: number): string {
  if (!Number.isSafeInteger(bytes) || bytes < 0) throw new InvalidQuantityError(bytes, 'a byte count must be a non-negative safe integer');
  if (bytes === 0) return '0';
  const big = BigInt(bytes);
  for (const suffix of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = BINARY_SUFFIXES[suffix] ?? 1n;
    if (big % unit === 0n) return `${big / unit}${suffix}`;
  }
  return String(bytes);
}
