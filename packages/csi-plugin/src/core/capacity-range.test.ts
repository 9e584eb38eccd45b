import { describe, expect, it } from 'vitest';
import { CsiError } from './errors.js';
import { parseCapacityRange, roundUpToUnit, sizeSatisfies } from './capacity-range.js';

const MiB = 2 ** 20;

describe('parseCapacityRange', () => {
  it('returns null when no range was sent (the plugin picks its default)', () => {
    expect(parseCapacityRange(null, 'capacity_range')).toBeNull();
  });

  it('parses int64 strings', () => {
    expect(parseCapacityRange({ required_bytes: '1073741824', limit_bytes: '0' }, 'capacity_range')).toEqual({ requiredBytes: 2 ** 30, limitBytes: 0 });
  });

  it.each([
    { name: 'both zero', input: { required_bytes: '0', limit_bytes: '0' }, code: 'INVALID_ARGUMENT', want: 'invalid capacity_range.required_bytes 0' },
    { name: 'a negative size', input: { required_bytes: '-1', limit_bytes: '0' }, code: 'INVALID_ARGUMENT', want: 'invalid capacity_range.required_bytes "-1": must not be negative' },
    { name: 'limit below required', input: { required_bytes: '100', limit_bytes: '10' }, code: 'INVALID_ARGUMENT', want: 'invalid capacity_range.limit_bytes 10: is below required_bytes 100' },
    { name: 'an absurd size (8 EiB)', input: { required_bytes: '9223372036854775807', limit_bytes: '0' }, code: 'OUT_OF_RANGE', want: 'capacity_range.required_bytes 9223372036854775807 is beyond' },
  ])('refuses $name', ({ input, code, want }) => {
    let error: unknown;
    try {
      parseCapacityRange(input, 'capacity_range');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CsiError);
    expect((error as CsiError).code).toBe(code);
    expect((error as CsiError).message).toContain(want);
  });
});

describe('roundUpToUnit', () => {
  it.each([
    { name: 'rounds up to whole extents', input: { requiredBytes: 5 * MiB, limitBytes: 0 }, want: 8 * MiB },
    { name: 'keeps an exact multiple', input: { requiredBytes: 8 * MiB, limitBytes: 8 * MiB }, want: 8 * MiB },
    { name: 'only a limit: the largest multiple under it', input: { requiredBytes: 0, limitBytes: 10 * MiB }, want: 8 * MiB },
  ])('$name', ({ input, want }) => {
    expect(roundUpToUnit(input, 4 * MiB)).toBe(want);
  });

  it('is OUT_OF_RANGE when no multiple fits between required and limit', () => {
    expect(() => roundUpToUnit({ requiredBytes: 5 * MiB, limitBytes: 6 * MiB }, 4 * MiB)).toThrow(/no multiple of 4194304 bytes/);
  });
});

describe('sizeSatisfies', () => {
  it.each([
    { name: 'bigger than required, no limit', size: 10, want: true },
    { name: 'below required', size: 4, want: false },
    { name: 'above the limit', size: 30, want: false },
  ])('$name', ({ size, want }) => {
    expect(sizeSatisfies(size, { requiredBytes: 5, limitBytes: size === 30 ? 20 : 0 })).toBe(want);
  });
});
