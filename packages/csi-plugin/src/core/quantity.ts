// Kubernetes resource quantities ("1Gi", "500M", "1048576") as byte counts, for the `size` and `bps`
// attributes. Only whole-byte results that are safe integers are accepted.
import { InvalidFieldError } from './errors.js';

const SUFFIX_FACTORS: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
};

const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)([kMGTP]i?|Ki|)$/;

/** Parses a quantity into bytes; the error names `field`. Fractions must come out as whole bytes. */
export function parseQuantityBytes(value: string, field: string): number {
  const match = QUANTITY.exec(value.trim());
  const factor = match ? SUFFIX_FACTORS[match[2] ?? ''] : undefined;
  if (!match || factor === undefined) {
    throw new InvalidFieldError(field, value, 'not a quantity such as 1Gi, 500M or 1048576');
  }
  const bytes = Number(match[1]) * factor;
  if (!Number.isSafeInteger(bytes)) {
    throw new InvalidFieldError(field, value, 'must be a whole number of bytes below 2^53');
  }
  return bytes;
}
