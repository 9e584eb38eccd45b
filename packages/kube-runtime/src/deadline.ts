// A deadline for one API call. @kubernetes/client-node's promise API takes no per-call timeout, and a request to
// an API server that stopped answering (a black-holed connection) would otherwise wait for TCP to give up, which
// can be many minutes. The request itself is not cancelled; the caller moves on and retries on its next pass.

/** Thrown when the call did not settle within its deadline; `what` names the call. */
export class DeadlineExceededError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineExceededError';
  }
}

/** Settles as `work` does, or rejects with DeadlineExceededError after `timeoutMs`, whichever comes first. */
export async function withDeadline<T>(what: string, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceededError(what, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
