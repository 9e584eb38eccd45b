// A keyed work queue in the style of client-go's: a key is queued at most once, a key being processed is not
// handed to a second worker (a new add is remembered and re-queued on done), and failures retry with backoff.
import type { Clock } from './clock.js';
import { backoffDelayMs, type BackoffPolicy } from './backoff.js';

export interface WorkQueueOptions {
  readonly clock: Clock;
  readonly retry: BackoffPolicy;
}

export class WorkQueue {
  private readonly queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly waiters: ((key: string | undefined) => void)[] = [];
  private readonly stop = new AbortController();

  constructor(private readonly options: WorkQueueOptions) {}

  /** Queues `key` unless it is already queued; a key being processed is queued again when it is done. */
  add(key: string): void {
    if (this.stop.signal.aborted || this.queued.has(key)) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queued.add(key);
    this.queue.push(key);
  }

  /** Queues `key` after `ms`. */
  addAfter(key: string, ms: number): void {
    void this.options.clock.sleep(ms, this.stop.signal).then((elapsed) => {
      if (elapsed) this.add(key);
    });
  }

  /** Queues `key` again after a delay that grows with its consecutive failures; returns the delay. */
  addRateLimited(key: string): number {
    const attempt = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, attempt);
    const delayMs = backoffDelayMs(attempt, this.options.retry);
    this.addAfter(key, delayMs);
    return delayMs;
  }

  /** Clears the failure count of `key` (call after it succeeded). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Consecutive failures recorded for `key`. */
  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process (marking it in progress), or undefined once the queue is shut down. */
  next(): Promise<string | undefined> {
    if (this.stop.signal.aborted) return Promise.resolve(undefined);
    const key = this.queue.shift();
    if (key !== undefined) {
      this.queued.delete(key);
      this.processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` finished; if it was added meanwhile it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }

  /** Number of keys waiting (not counting those in progress). */
  get length(): number {
    return this.queue.length;
  }

  /** Stops handing out keys: waiting workers get undefined, delayed adds are dropped. */
  shutDown(): void {
    this.stop.abort();
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
  }
}
