import { describe, expect, it } from 'vitest';
import { bytesToQuantity, quantityToBytes } from './quantity.js';

describe('quantityToBytes', () => {
  it.each([
    { name: 'binary suffix', input: '10Gi', want: 10 * 2 ** 30 },
    { name: 'decimal suffix', input: '5G', want: 5e9 },
    { name: 'plain bytes', input: '1024', want: 1024 },
    { name: 'fraction rounds up to a whole byte', input: '1.5Ki', want: 1536 },
    { name: 'milli rounds up', input: '1500m', want: 2 },
    { name: 'exponent form', input: '1e3', want: 1000 },
    { name: 'number input', input: 42, want: 42 },
    { name: 'garbage is invalid', input: '10 gigs', want: undefined },
    { name: 'negative is invalid', input: '-1Gi', want: undefined },
    { name: 'unsafe size is invalid', input: '100Ei', want: undefined },
    { name: 'fractional number is invalid', input: 1.5, want: undefined },
  ])('$name', ({ input, want }) => {
    expect(quantityToBytes(input)).toBe(want);
  });
});

describe('bytesToQuantity', () => {
  it.each([
    { name: 'whole Gi', input: 10 * 2 ** 30, want: '10Gi' },
    { name: 'Mi when not whole Gi', input: 1536 * 2 ** 20, want: '1536Mi' },
    { name: 'Ti', input: 2 ** 41, want: '2Ti' },
    { name: 'odd bytes', input: 1001, want: '1001' },
    { name: 'zero', input: 0, want: '0' },
  ])('$name', ({ input, want }) => {
    expect(bytesToQuantity(input)).toBe(want);
  });
});
