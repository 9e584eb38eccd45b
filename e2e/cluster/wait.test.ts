import { describe, expect, it } from 'vitest';
import { waitFor, WaitTimeoutError } from './wait.js';

describe('waitFor', () => {
  it('returns the value once the poll is done', async () => {
    let calls = 0;
    const value = await waitFor({ what: 'three polls', intervalMs: 1 }, async () => {
      calls += 1;
      return calls === 3 ? { done: true, value: 'ready' } : { done: false, observed: calls };
    });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('times out naming what it waited for and the last state it saw', async () => {
    const error = await waitFor({ what: 'pod web-0 to have a node', timeoutMs: 30, intervalMs: 5 }, async () => ({
      done: false as const,
      observed: { phase: 'Pending', nodeName: null },
    })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(/^timed out after 30 ms waiting for pod web-0 to have a node; last observed: \{ phase: 'Pending', nodeName: null \}/);
  });

  it('treats a throwing poll as not yet and reports its error if time runs out', async () => {
    const error = await waitFor({ what: 'a missing object', timeoutMs: 20, intervalMs: 5 }, async () => {
      throw new Error('HTTP 404 not found');
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain("last observed: 'Error: HTTP 404 not found'");
  });
});
