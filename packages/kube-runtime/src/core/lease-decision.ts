// Leader election on a coordination.k8s.io/v1 Lease, the decision part: given the lease as read, should this
// candidate create it, take or renew it, or wait? Expiry is measured from when *we* last saw the record change
// (as client-go does), so clock skew between replicas cannot steal a live lease.

/** The fields of a Lease's spec that election uses, times as epoch milliseconds. */
export interface LeaseRecord {
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  readonly acquireTimeMs: number;
  readonly renewTimeMs: number;
  readonly leaseTransitions: number;
}

/** A lease as read from the API server. */
export interface ObservedLease {
  readonly record: LeaseRecord;
  readonly resourceVersion: string;
}

export type LeaseDecision =
  | { readonly kind: 'create'; readonly record: LeaseRecord }
  | { readonly kind: 'update'; readonly record: LeaseRecord; readonly resourceVersion: string; readonly isTakeover: boolean }
  | { readonly kind: 'wait'; readonly holderIdentity: string; readonly expiresAtMs: number };

export interface LeaseDecisionInput {
  /** The lease as just read, or null when it does not exist. */
  readonly lease: ObservedLease | null;
  readonly identity: string;
  readonly nowMs: number;
  /** When this candidate first saw the current resourceVersion of the lease. */
  readonly observedAtMs: number;
  readonly leaseDurationSeconds: number;
}

export function decideLease(input: LeaseDecisionInput): LeaseDecision {
  const { lease, identity, nowMs, leaseDurationSeconds } = input;
  if (lease === null) {
    return { kind: 'create', record: { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: 0 } };
  }
  const current = lease.record;
  if (current.holderIdentity === identity) {
    return { kind: 'update', resourceVersion: lease.resourceVersion, isTakeover: false, record: { ...current, leaseDurationSeconds, renewTimeMs: nowMs } };
  }
  const expiresAtMs = input.observedAtMs + current.leaseDurationSeconds * 1000;
  const isReleased = current.holderIdentity === '';
  if (!isReleased && nowMs < expiresAtMs) return { kind: 'wait', holderIdentity: current.holderIdentity, expiresAtMs };
  return {
    kind: 'update',
    resourceVersion: lease.resourceVersion,
    isTakeover: true,
    record: { holderIdentity: identity, leaseDurationSeconds, acquireTimeMs: nowMs, renewTimeMs: nowMs, leaseTransitions: current.leaseTransitions + 1 },
  };
}

/** The record that hands the lease back on shutdown so another replica can take it at once. */
export function releasedRecord(record: LeaseRecord, nowMs: number): LeaseRecord {
  return { ...record, holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: nowMs };
}
