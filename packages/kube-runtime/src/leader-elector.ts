// Leader election loop over a Lease store: try to acquire every retry period; once leading, renew every renew
// period and give leadership up on the first failed renew (a stale leader must stop writing before another
// replica's lease-duration wait ends). On shutdown the lease is released so a standby takes over at once.
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import { decideLease, releasedRecord, type LeaseRecord, type ObservedLease } from './core/lease-decision.js';

/** The Lease calls election makes. create/update return the stored lease, or 'conflict' on HTTP 409. */
export interface LeaseStore {
  get(signal?: AbortSignal): Promise<ObservedLease | null>;
  create(record: LeaseRecord, signal?: AbortSignal): Promise<ObservedLease | 'conflict'>;
  update(record: LeaseRecord, resourceVersion: string, signal?: AbortSignal): Promise<ObservedLease | 'conflict'>;
}

export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewPeriodMs: number;
  readonly retryPeriodMs: number;
  /** Called when leadership starts; `signal` aborts when it ends. */
  readonly onStartedLeading: (signal: AbortSignal) => void;
  /** Called when leadership ends; awaited before the lease is released or re-acquired. */
  readonly onStoppedLeading: () => Promise<void> | void;
}

export class LeaderElector {
  private observed: { resourceVersion: string; atMs: number } | undefined;
  private held: ObservedLease | undefined;
  private leading = false;

  constructor(private readonly options: LeaderElectorOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Runs until `signal` aborts; then releases the lease if held. */
  async run(signal: AbortSignal): Promise<void> {
    const { clock, retryPeriodMs, renewPeriodMs } = this.options;
    while (!signal.aborted) {
      if (!(await this.tryAcquireOrRenew(signal))) {
        await clock.sleep(retryPeriodMs, signal);
        continue;
      }
      const leadership = new AbortController();
      this.leading = true;
      this.options.logger.info({ identity: this.options.identity }, 'became leader');
      this.options.onStartedLeading(leadership.signal);
      while ((await clock.sleep(renewPeriodMs, signal)) && (await this.tryAcquireOrRenew(signal)));
      this.leading = false;
      leadership.abort();
      await this.options.onStoppedLeading();
      if (!signal.aborted) this.options.logger.warn({ identity: this.options.identity }, 'lost leadership: renew failed');
    }
    await this.release();
  }

  private async tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { store, clock, identity } = this.options;
    try {
      // While leading we renew from the version we wrote: a 409 then means someone else wrote, and we lost.
      const lease = this.held ?? (await store.get(signal));
      const nowMs = clock.now();
      if (lease && lease.resourceVersion !== this.observed?.resourceVersion) this.observed = { resourceVersion: lease.resourceVersion, atMs: nowMs };
      const decision = decideLease({
        lease, identity, nowMs, observedAtMs: this.observed?.atMs ?? nowMs, leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      });
      this.held = undefined;
      if (decision.kind === 'wait') return false;
      const written = decision.kind === 'create'
        ? await store.create(decision.record, signal)
        : await store.update(decision.record, decision.resourceVersion, signal);
      if (written === 'conflict') return false;
      this.held = written;
      this.observed = { resourceVersion: written.resourceVersion, atMs: nowMs };
      return true;
    } catch (error) {
      this.held = undefined;
      if (!signal.aborted) this.options.logger.warn({ err: error }, 'lease read or write failed');
      return false;
    }
  }

  private async release(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (!held || held.record.holderIdentity !== this.options.identity) return;
    try {
      await this.options.store.update(releasedRecord(held.record, this.options.clock.now()), held.resourceVersion);
      this.options.logger.info('released the lease');
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not release the lease; the standby waits for it to expire');
    }
  }
}
