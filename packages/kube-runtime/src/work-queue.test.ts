import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';
import { ManualClock } from './testing/manual-clock.js';

function makeQueue(): { queue: WorkQueue; clock: ManualClock } {
  const clock = new ManualClock(0);
  return { queue: new WorkQueue({ clock, retry: { baseMs: 100, maxMs: 1000 } }), clock };
}

describe('WorkQueue', () => {
  it('hands out a key added twice only once', async () => {
    const { queue } = makeQueue();
    queue.add('a');
    queue.add('a');
    queue.add('b');
    expect(queue.length).toBe(2);
    expect(await queue.next()).toBe('a');
    expect(await queue.next()).toBe('b');
    expect(queue.length).toBe(0);
  });

  it('does not give a key in progress to a second worker, and re-queues it when done', async () => {
    const { queue } = makeQueue();
    queue.add('a');
    expect(await queue.next()).toBe('a');
    queue.add('a');
    expect(queue.length).toBe(0);
    queue.done('a');
    expect(queue.length).toBe(1);
    expect(await queue.next()).toBe('a');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const { queue } = makeQueue();
    const pending = queue.next();
    queue.add('x');
    expect(await pending).toBe('x');
  });

  it('retries a failing key with growing delays and forgets on success', async () => {
    const { queue, clock } = makeQueue();
    expect(queue.addRateLimited('a')).toBe(100);
    expect(queue.addRateLimited('a')).toBe(200);
    expect(queue.failureCount('a')).toBe(2);
    await clock.advance(99);
    expect(queue.length).toBe(0);
    await clock.advance(1);
    expect(queue.length).toBe(1);
    queue.forget('a');
    expect(queue.failureCount('a')).toBe(0);
    expect(queue.addRateLimited('a')).toBe(100);
  });

  it('returns undefined to waiting workers after shut down and drops delayed adds', async () => {
    const { queue, clock } = makeQueue();
    const pending = queue.next();
    queue.addAfter('late', 10);
    queue.shutDown();
    expect(await pending).toBeUndefined();
    await clock.advance(20);
    expect(queue.length).toBe(0);
    expect(await queue.next()).toBeUndefined();
  });
});
