// Byte quantities: Kubernetes grammar, exactness, the go-units legacy spellings, and formatting round trips.
import { describe, expect, it } from 'vitest';
import { InvalidQuantityError } from './errors.js';
import { formatBinaryBytes, formatBytes, parseLegacySizeBytes, parseQuantityBytes, parseQuantityValueBytes, quantityValueBytesOrUndefined } from './quantity.js';

const GI = 1024 ** 3;

describe('parseQuantityBytes', () => {
  it.each([
    { name: 'plain bytes', input: '1073741824', want: GI },
    { name: 'binary Ki', input: '4Ki', want: 4096 },
    { name: 'binary Gi', input: '10Gi', want: 10 * GI },
    { name: 'binary Ei stays exact below 2^53', input: '7Pi', want: 7 * 2 ** 50 },
    { name: 'decimal k', input: '2k', want: 2000 },
    { name: 'decimal G', input: '100G', want: 100e9 },
    { name: 'decimal E small enough', input: '0.001E', want: 1e15 },
    { name: 'fraction with binary suffix', input: '1.5Gi', want: 1.5 * GI },
    { name: 'fraction without leading digit', input: '.5Ki', want: 512 },
    { name: 'trailing dot', input: '5.', want: 5 },
    { name: 'exponent form', input: '1e3', want: 1000 },
    { name: 'capital exponent form', input: '2E9', want: 2e9 },
    { name: 'negative exponent that stays whole', input: '2000e-3', want: 2 },
    { name: 'explicit plus sign', input: '+1Mi', want: 1024 ** 2 },
    { name: 'surrounding spaces are trimmed', input: ' 1Gi ', want: GI },
    { name: 'a number is taken as bytes', input: 42, want: 42 },
    { name: 'largest safe integer', input: '9007199254740991', want: Number.MAX_SAFE_INTEGER },
  ])('$name', ({ input, want }) => {
    expect(parseQuantityBytes(input)).toBe(want);
  });

  it.each([
    { name: 'milli suffix is refused for bytes', input: '100m', reason: 'milli' },
    { name: 'negative size', input: '-1Gi', reason: 'negative' },
    { name: 'fractional bytes', input: '1.5', reason: 'whole number' },
    { name: 'fraction that is not whole after scaling', input: '0.0001k', reason: 'whole number' },
    { name: 'negative exponent leaving a fraction', input: '1500e-4', reason: 'whole number' },
    { name: 'above 2^53-1', input: '9007199254740992', reason: 'exceeds' },
    { name: '8Ei does not fit a safe integer', input: '8Ei', reason: 'exceeds' },
    { name: 'huge exponent', input: '1e99999', reason: 'out of range' },
    { name: 'go-units GB is not a Kubernetes quantity', input: '100GB', reason: 'not a Kubernetes quantity' },
    { name: 'lowercase g is not a Kubernetes quantity', input: '10g', reason: 'not a Kubernetes quantity' },
    { name: 'empty string', input: '', reason: '1 to 64 characters' },
    { name: 'very long input', input: '1'.repeat(65), reason: '1 to 64 characters' },
    { name: 'letters only', input: 'Gi', reason: 'not a Kubernetes quantity' },
    { name: 'two suffixes', input: '1GiKi', reason: 'not a Kubernetes quantity' },
    { name: 'NaN number', input: Number.NaN, reason: 'safe integer' },
    { name: 'fractional number', input: 1.5, reason: 'safe integer' },
    { name: 'negative number', input: -3, reason: 'safe integer' },
  ])('rejects $name with a typed error naming the value', ({ input, reason }) => {
    let caught: unknown;
    try {
      parseQuantityBytes(input);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidQuantityError);
    expect((caught as InvalidQuantityError).value).toBe(input);
    expect((caught as Error).message).toContain(reason);
  });

  it('rejects a non-string, non-number value from untyped input', () => {
    expect(() => parseQuantityBytes({} as unknown as string)).toThrow(InvalidQuantityError);
  });
});

describe('parseLegacySizeBytes', () => {
  it.each([
    { name: '100G follows Kubernetes (decimal), as Open-Local after v0.7.1', input: '100G', want: 100e9 },
    { name: '100Gi is binary in both', input: '100Gi', want: 100 * GI },
    { name: '100GB is go-units binary', input: '100GB', want: 100 * GI },
    { name: '100gb is go-units binary', input: '100gb', want: 100 * GI },
    { name: '100GiB is go-units binary', input: '100GiB', want: 100 * GI },
    { name: '100g is go-units binary', input: '100g', want: 100 * GI },
    { name: 'uppercase K is go-units binary', input: '2K', want: 2048 },
    { name: '512mb is go-units binary', input: '512mb', want: 512 * 1024 ** 2 },
    { name: 'a space before the unit is allowed', input: '512 MB', want: 512 * 1024 ** 2 },
    { name: 'a space before a Kubernetes suffix keeps Kubernetes semantics', input: '100 G', want: 100e9 },
    { name: 'bytes with b suffix', input: '100b', want: 100 },
    { name: 'fractional go-units size', input: '1.5g', want: 1.5 * GI },
    { name: 'an i without a unit letter is plain bytes in go-units', input: '100i', want: 100 },
  ])('$name', ({ input, want }) => {
    expect(parseLegacySizeBytes(input)).toBe(want);
  });

  it.each([
    { name: 'a bare lowercase m (milli or MiB?) is refused', input: '100m' },
    { name: 'garbage', input: 'lots' },
  ])('rejects $name', ({ input }) => {
    expect(() => parseLegacySizeBytes(input)).toThrow(InvalidQuantityError);
  });
});

describe('formatBytes', () => {
  it.each([
    { name: 'zero', bytes: 0, want: '0' },
    { name: 'odd byte count stays plain', bytes: 1023, want: '1023' },
    { name: 'exact KiB', bytes: 1024, want: '1Ki' },
    { name: 'exact GiB', bytes: GI, want: '1Gi' },
    { name: 'prefers the largest binary unit', bytes: 3 * 2 ** 40, want: '3Ti' },
    { name: 'decimal when no binary unit divides', bytes: 1_500_000_000, want: '1500M' },
  ])('$name', ({ bytes, want }) => {
    expect(formatBytes(bytes)).toBe(want);
  });

  it('round-trips through parseQuantityBytes for a spread of sizes', () => {
    const sizes = [1, 7, 512, 4096, 10 ** 9, 3 * GI + 512, 2 ** 53 - 1, 123_456_789_000];
    for (const bytes of sizes) expect(parseQuantityBytes(formatBytes(bytes))).toBe(bytes);
  });

  it.each([-1, 0.5, 2 ** 53, Number.POSITIVE_INFINITY])('refuses %s', (bytes) => {
    expect(() => formatBytes(bytes)).toThrow(InvalidQuantityError);
  });
});

// Quantities read back from API objects (the scheduler extender's view of PVCs, PVs and NLS status).
describe('parseQuantityValueBytes / quantityValueBytesOrUndefined', () => {
  it.each([
    { name: 'binary suffix', input: '10Gi', want: 10 * GI },
    { name: 'decimal suffix', input: '5G', want: 5e9 },
    { name: 'plain bytes', input: '1024', want: 1024 },
    { name: 'fraction rounds up to a whole byte', input: '1.5Ki', want: 1536 },
    { name: 'milli rounds up', input: '1500m', want: 2 },
    { name: 'a fraction of one byte rounds up', input: '0.5', want: 1 },
    { name: 'exponent form', input: '1e3', want: 1000 },
    { name: 'number input', input: 42, want: 42 },
    { name: 'garbage is invalid', input: '10 gigs', want: undefined },
    { name: 'negative is invalid', input: '-1Gi', want: undefined },
    { name: 'unsafe size is invalid', input: '100Ei', want: undefined },
    { name: 'fractional number is invalid', input: 1.5, want: undefined },
  ])('$name', ({ input, want }) => {
    expect(quantityValueBytesOrUndefined(input)).toBe(want);
    if (want === undefined) expect(() => parseQuantityValueBytes(input)).toThrow(InvalidQuantityError);
    else expect(parseQuantityValueBytes(input)).toBe(want);
  });

  it('agrees with parseQuantityBytes on every whole quantity', () => {
    for (const input of ['0', '1', '4Ki', '1.5Gi', '2000e-3', '100G', '7Pi']) expect(parseQuantityValueBytes(input)).toBe(parseQuantityBytes(input));
  });

  it('names the value it refuses', () => {
    expect(() => parseQuantityValueBytes('lots')).toThrow(/"lots"/);
  });
});

describe('formatBinaryBytes', () => {
  it.each([
    { name: 'whole Gi', input: 10 * GI, want: '10Gi' },
    { name: 'Mi when not whole Gi', input: 1536 * 2 ** 20, want: '1536Mi' },
    { name: 'Ti', input: 2 ** 41, want: '2Ti' },
    { name: 'Pi, as Kubernetes prints it', input: 2 ** 50, want: '1Pi' },
    { name: 'odd bytes', input: 1001, want: '1001' },
    { name: 'decimal-only multiples stay plain', input: 1_500_000_000, want: '1500000000' },
    { name: 'zero', input: 0, want: '0' },
  ])('$name', ({ input, want }) => {
    expect(formatBinaryBytes(input)).toBe(want);
  });

  it.each([-1, 0.5, 2 ** 53])('refuses %s', (bytes) => {
    expect(() => formatBinaryBytes(bytes)).toThrow(InvalidQuantityError);
  });
});
