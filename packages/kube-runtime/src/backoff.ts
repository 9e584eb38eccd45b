// Exponential backoff delays for retries (work-queue items, informer restarts), capped.

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Delay before retry number `attempt` (1-based): base·2^(attempt-1), never above max. */
export function backoffDelayMs(attempt: number, policy: BackoffPolicy): number {
  if (attempt <= 1) return Math.min(policy.baseMs, policy.maxMs);
  const exponent = Math.min(attempt - 1, 30);
  return Math.min(policy.baseMs * 2 ** exponent, policy.maxMs);
}
