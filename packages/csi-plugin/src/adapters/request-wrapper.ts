// Every RPC goes through here once: log the call (secrets redacted), take the per-volume lock when the call
// names a volume, run the handler, and map any failure through toServiceError. Handlers stay plain async
// functions from request to response.
import { status, type sendUnaryData, type ServerUnaryCall, type UntypedHandleCall } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { CsiError } from '../core/errors.js';
import { redactSecrets } from '../core/redact.js';
import type { VolumeLocks } from '../core/volume-locks.js';
import type { CsiMetrics } from './metrics.js';
import { toServiceError } from './service-error.js';

/** A CSI handler: the decoded request in, the response out. The signal fires when the client goes away. */
export type Handler<Req, Res> = (request: Req, signal: AbortSignal) => Promise<Res>;

export interface WrapOptions<Req> {
  method: string;
  logger: Logger;
  locks: VolumeLocks;
  /** The volume the call is about, if any: calls on the same volume never run at once. */
  lockKey?: (request: Req) => string;
  /** Probe and capability calls are frequent and uninteresting at info level. */
  isQuiet?: boolean;
  metrics?: CsiMetrics | undefined;
}

/** Adapts a handler to grpc-js, with logging, locking and error mapping. */
export function wrapUnary<Req, Res>(handler: Handler<Req, Res>, options: WrapOptions<Req>): UntypedHandleCall {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const started = performance.now();
    const log = options.logger.child({ method: options.method });
    const level = options.isQuiet ? 'debug' : 'info';
    log[level]({ request: redactSecrets(call.request) }, 'request');
    const controller = new AbortController();
    call.on('cancelled', () => controller.abort(new Error('client cancelled the call')));
    const run = async (): Promise<Res> => {
      const key = options.lockKey?.(call.request);
      const release = key === undefined || key === '' ? undefined : options.locks.acquire(key);
      try {
        return await handler(call.request, controller.signal);
      } finally {
        release?.();
      }
    };
    run().then(
      (response) => {
        const durationMs = performance.now() - started;
        options.metrics?.observe(options.method, 'OK', durationMs / 1000);
        log[level]({ durationMs: Math.round(durationMs), response }, 'response');
        callback(null, response);
      },
      (error: unknown) => {
        const durationMs = Math.round(performance.now() - started);
        // A call the client gave up on (its deadline passed, or it went away) failed because of that, whatever
        // the aborted command threw: CANCELLED, one warning, and no INTERNAL in the error metrics.
        const mapped = toServiceError(controller.signal.aborted ? new CsiError('CANCELLED', `the client cancelled the call after ${durationMs} ms`, { cause: error }) : error);
        options.metrics?.observe(options.method, status[mapped.code] ?? String(mapped.code), durationMs / 1000);
        // Expected refusals (bad input, not found, busy) are one line; only internal failures carry the stack.
        if (mapped.code === status.INTERNAL) log.error({ durationMs, code: mapped.code, err: error }, mapped.details);
        else log.warn({ durationMs, code: mapped.code }, mapped.details);
        callback(mapped);
      },
    );
  };
}
