import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { LeaderElector } from './leader-elector.js';
import { ManualClock } from './testing/manual-clock.js';
import { MemoryLeaseBackend, type MemoryLeaseClient } from './testing/memory-lease-store.js';

interface Candidate {
  readonly elector: LeaderElector;
  readonly client: MemoryLeaseClient;
  readonly stop: AbortController;
  readonly done: Promise<void>;
  readonly log: string[];
}

function startCandidate(identity: string, backend: MemoryLeaseBackend, clock: ManualClock): Candidate {
  const client = backend.client();
  const log: string[] = [];
  const stop = new AbortController();
  const elector = new LeaderElector({
    store: client, clock, logger: pino({ level: 'silent' }), identity,
    leaseDurationMs: 15_000, renewPeriodMs: 5_000, retryPeriodMs: 2_000,
    onStartedLeading: () => {
      log.push('started');
    },
    onStoppedLeading: () => {
      log.push('stopped');
    },
  });
  return { elector, client, stop, log, done: elector.run(stop.signal) };
}

describe('LeaderElector', () => {
  it('lets exactly one of two candidates lead', async () => {
    const backend = new MemoryLeaseBackend();
    const clock = new ManualClock(1_000_000);
    const a = startCandidate('a', backend, clock);
    const b = startCandidate('b', backend, clock);
    await clock.advance(30_000);
    expect([a.elector.isLeader, b.elector.isLeader]).toEqual([true, false]);
    expect(backend.lease?.record.holderIdentity).toBe('a');
    expect(b.log).toEqual([]);
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });

  it('gives up on the first failed renew, and the standby takes over only after the lease duration', async () => {
    const backend = new MemoryLeaseBackend();
    const clock = new ManualClock(1_000_000);
    const a = startCandidate('a', backend, clock);
    await clock.advance(1);
    const b = startCandidate('b', backend, clock);
    await clock.advance(1);
    expect(a.elector.isLeader).toBe(true);
    a.client.isCutOff = true;
    await clock.advance(5_000);
    expect(a.log).toEqual(['started', 'stopped']);
    expect(a.elector.isLeader).toBe(false);
    await clock.advance(9_000);
    expect(b.elector.isLeader).toBe(false);
    await clock.advance(3_000);
    expect(b.elector.isLeader).toBe(true);
    expect(backend.lease?.record).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });

  it('releases the lease on shutdown so the standby takes over at its next retry', async () => {
    const backend = new MemoryLeaseBackend();
    const clock = new ManualClock(1_000_000);
    const a = startCandidate('a', backend, clock);
    await clock.advance(1);
    const b = startCandidate('b', backend, clock);
    await clock.advance(1);
    a.stop.abort();
    await a.done;
    expect(backend.lease?.record.holderIdentity).toBe('');
    await clock.advance(2_000);
    expect(b.elector.isLeader).toBe(true);
    b.stop.abort();
    await b.done;
  });

  it('a candidate that loses the write race (409) does not lead', async () => {
    const backend = new MemoryLeaseBackend();
    const clock = new ManualClock(0);
    const a = startCandidate('a', backend, clock);
    const b = startCandidate('b', backend, clock);
    await clock.advance(1);
    expect([a.elector.isLeader, b.elector.isLeader].filter(Boolean)).toHaveLength(1);
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });
});
