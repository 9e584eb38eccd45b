import { describe, expect, it } from 'vitest';
import { integerFlag } from './flags.js';

describe('integerFlag', () => {
  it.each([
    { raw: '1', want: 1 },
    { raw: '20', want: 20 },
  ])('reads $raw', ({ raw, want }) => {
    expect(integerFlag('runs', raw, [1, 20])).toBe(want);
  });

  it.each([
    { name: 'below the range', raw: '0' },
    { name: 'above the range', raw: '21' },
    { name: 'a fraction', raw: '1.5' },
    { name: 'a word', raw: 'three' },
    { name: 'nothing', raw: undefined },
  ])('refuses $name, naming the flag and the value', ({ raw }) => {
    expect(() => integerFlag('runs', raw, [1, 20])).toThrow(`--runs must be an integer from 1 to 20, got ${JSON.stringify(raw)}`);
  });
});
