// A clock for unit tests: time moves only when the test advances it, and due sleepers wake in order.
import type { Clock } from '../clock.js';

interface Sleeper {
  readonly wakeAtMs: number;
  readonly resolve: (elapsed: boolean) => void;
}

export class ManualClock implements Clock {
  private sleepers: Sleeper[] = [];

  constructor(private nowMs: number) {}

  now(): number {
    return this.nowMs;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const sleeper: Sleeper = { wakeAtMs: this.nowMs + Math.max(0, ms), resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve(false);
      }, { once: true });
    });
  }

  /** Number of sleeps not yet woken. */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking due sleepers one by one and letting their continuations run. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      const due = this.sleepers.filter((s) => s.wakeAtMs <= target).sort((a, b) => a.wakeAtMs - b.wakeAtMs)[0];
      if (!due) break;
      this.sleepers = this.sleepers.filter((s) => s !== due);
      this.nowMs = Math.max(this.nowMs, due.wakeAtMs);
      due.resolve(true);
      await flushMicrotasks();
    }
    this.nowMs = target;
    await flushMicrotasks();
  }
}

/** Lets pending promise continuations run. */
export async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}
