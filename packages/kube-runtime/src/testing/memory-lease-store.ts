// An in-memory Lease store for unit tests, with optimistic concurrency like the API server's and a switch to
// make one client's calls fail (a replica cut off from the API server).
import type { LeaseRecord, ObservedLease } from '../core/lease-decision.js';
import type { LeaseStore } from '../leader-elector.js';

export class MemoryLeaseBackend {
  lease: ObservedLease | null = null;
  private version = 0;

  write(record: LeaseRecord, expectedVersion: string | null): ObservedLease | 'conflict' {
    const currentVersion = this.lease?.resourceVersion ?? null;
    if (currentVersion !== expectedVersion) return 'conflict';
    this.version += 1;
    this.lease = { record, resourceVersion: String(this.version) };
    return this.lease;
  }

  client(): MemoryLeaseClient {
    return new MemoryLeaseClient(this);
  }
}

export class MemoryLeaseClient implements LeaseStore {
  isCutOff = false;

  constructor(private readonly backend: MemoryLeaseBackend) {}

  private check(): void {
    if (this.isCutOff) throw new Error('connection refused');
  }

  get(): Promise<ObservedLease | null> {
    this.check();
    return Promise.resolve(this.backend.lease);
  }

  create(record: LeaseRecord): Promise<ObservedLease | 'conflict'> {
    this.check();
    return Promise.resolve(this.backend.lease ? 'conflict' : this.backend.write(record, null));
  }

  update(record: LeaseRecord, resourceVersion: string): Promise<ObservedLease | 'conflict'> {
    this.check();
    return Promise.resolve(this.backend.write(record, resourceVersion));
  }
}
