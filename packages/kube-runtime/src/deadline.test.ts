import { describe, expect, it } from 'vitest';
import { DeadlineExceededError, withDeadline } from './deadline.js';

describe('withDeadline', () => {
  it('passes the answer through when it comes in time', async () => {
    await expect(withDeadline('read', 1000, Promise.resolve(42))).resolves.toBe(42);
  });

  it('passes a failure through unchanged', async () => {
    await expect(withDeadline('read', 1000, Promise.reject(new Error('403')))).rejects.toThrow('403');
  });

  it('rejects naming the call when the answer never comes', async () => {
    const never = new Promise<number>(() => undefined);
    const error = await withDeadline('patch NLS n1 status', 20, never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceededError);
    expect((error as Error).message).toBe('patch NLS n1 status: no answer within 20 ms');
  });
});
