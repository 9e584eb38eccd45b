// Polling with a deadline whose timeout error names what was awaited and the last state observed.
import { inspect } from 'node:util';

/** A poll's answer: done with a value, or not yet with the state seen (shown if the wait times out). */
export type PollResult<T> = { readonly done: true; readonly value: T } | { readonly done: false; readonly observed: unknown };

/** The wait ran out of time; `observed` is the last state (or error) the poll saw. */
export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly observed: unknown,
  ) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last observed: ${inspect(observed, { depth: 6, breakLength: 120 })}`);
    this.name = 'WaitTimeoutError';
  }
}

export interface WaitOptions {
  /** Human words for the condition, e.g. "pod web-0 to have a node"; it starts the timeout message. */
  readonly what: string;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Calls `poll` until it reports done. A poll that throws counts as "not yet" (its error becomes the observed
 * state), because objects are routinely missing for a moment after creation.
 */
export async function waitFor<T>(options: WaitOptions, poll: () => Promise<PollResult<T>>): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let observed: unknown = 'nothing yet';
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const result = await poll();
      if (result.done) return result.value;
      observed = result.observed;
    } catch (error) {
      observed = error instanceof Error ? `${error.name}: ${error.message}` : error;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(options.what, timeoutMs, observed);
    await new Promise((resolveSleep) => setTimeout(resolveSleep, options.intervalMs ?? 250));
  }
}
