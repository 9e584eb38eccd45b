import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const policy = { baseMs: 100, maxMs: 5000 };
  it.each([
    { name: 'first retry waits the base delay', attempt: 1, want: 100 },
    { name: 'attempt 0 is treated as the first', attempt: 0, want: 100 },
    { name: 'second retry doubles', attempt: 2, want: 200 },
    { name: 'sixth retry is 32 times the base', attempt: 6, want: 3200 },
    { name: 'later retries are capped at max', attempt: 7, want: 5000 },
    { name: 'huge attempt numbers stay capped and finite', attempt: 10_000, want: 5000 },
  ])('$name', ({ attempt, want }) => {
    expect(backoffDelayMs(attempt, policy)).toBe(want);
  });
});
