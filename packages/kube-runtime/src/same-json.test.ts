import { describe, expect, it } from 'vitest';
import { isSameJson } from './same-json.js';

describe('isSameJson', () => {
  it.each([
    { name: 'key order does not matter', a: { x: 1, y: [1, 2] }, b: { y: [1, 2], x: 1 }, want: true },
    { name: 'an undefined key equals a missing key', a: { x: 1, y: undefined }, b: { x: 1 }, want: true },
    { name: 'array order matters', a: [1, 2], b: [2, 1], want: false },
    { name: 'an empty object differs from a missing key', a: { x: {} }, b: {}, want: false },
    { name: 'nested value differences are found', a: { l: { vgs: { include: ['a'] } } }, b: { l: { vgs: { include: ['b'] } } }, want: false },
    { name: 'an array differs from an object', a: [], b: {}, want: false },
    { name: 'null differs from an object', a: null, b: {}, want: false },
    { name: 'numbers and strings differ', a: { n: 1 }, b: { n: '1' }, want: false },
  ])('$name', ({ a, b, want }) => {
    expect(isSameJson(a, b)).toBe(want);
    expect(isSameJson(b, a)).toBe(want);
  });
});
