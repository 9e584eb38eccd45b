import { describe, expect, it } from 'vitest';
import { namespaceNameFor } from './namespace.js';

describe('namespaceNameFor', () => {
  it.each([
    { name: 'a sentence becomes a dashed slug', input: 'Pods land on Node B', want: 't-pods-land-on-node-b-abc123' },
    { name: 'symbols only fall back to "test"', input: '$$$', want: 't-test-abc123' },
    { name: 'long names are cut without a trailing dash', input: `${'x'.repeat(39)} tail`, want: `t-${'x'.repeat(39)}-abc123` },
  ])('$name', ({ input, want }) => {
    const name = namespaceNameFor(input, 'abc123');
    expect(name).toBe(want);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(name.length).toBeLessThanOrEqual(63);
  });
});
