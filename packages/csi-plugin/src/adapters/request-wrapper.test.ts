import { EventEmitter } from 'node:events';
import { status, type ServiceError } from '@grpc/grpc-js';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { VolumeLocks } from '../core/volume-locks.js';
import { wrapUnary, type Handler } from './request-wrapper.js';

/** Calls the wrapped handler as grpc-js would, with a call the test can cancel; resolves with the callback's error. */
function callWrapped(handler: Handler<{ volume_id: string }, object>, cancelAfterStart: boolean): Promise<ServiceError | null> {
  const wrapped = wrapUnary(handler, { method: 'CreateVolume', logger: pino({ level: 'silent' }), locks: new VolumeLocks(), lockKey: (r) => r.volume_id });
  const call = Object.assign(new EventEmitter(), { request: { volume_id: 'v1' } });
  return new Promise((resolve) => {
    (wrapped as (call: unknown, callback: (error: ServiceError | null) => void) => void)(call, (error) => resolve(error));
    if (cancelAfterStart) call.emit('cancelled');
  });
}

/** A handler whose command runs until the call's signal aborts, then fails as an aborted exec does. */
const runsUntilAborted: Handler<{ volume_id: string }, object> = (_request, signal) =>
  new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('cannot run lvm: The operation was aborted')), { once: true }));

describe('wrapUnary', () => {
  it('answers CANCELLED, not INTERNAL, when the client gave up and the aborted command failed', async () => {
    const error = await callWrapped(runsUntilAborted, true);
    expect(error?.code).toBe(status.CANCELLED);
    expect(error?.details).toMatch(/^the client cancelled the call after \d+ ms$/);
  });

  it('still answers INTERNAL for a failure the client did not cause', async () => {
    const error = await callWrapped(() => Promise.reject(new Error('disk on fire')), false);
    expect(error).toMatchObject({ code: status.INTERNAL, details: 'internal error: disk on fire' });
  });
});
