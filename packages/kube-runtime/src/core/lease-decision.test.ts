import { describe, expect, it } from 'vitest';
import { decideLease, releasedRecord, type LeaseDecisionInput, type LeaseRecord } from './lease-decision.js';

const other: LeaseRecord = { holderIdentity: 'b', leaseDurationSeconds: 15, acquireTimeMs: 0, renewTimeMs: 1000, leaseTransitions: 3 };
const mine: LeaseRecord = { ...other, holderIdentity: 'a' };
const base: LeaseDecisionInput = { lease: null, identity: 'a', nowMs: 10_000, observedAtMs: 10_000, leaseDurationSeconds: 15 };

describe('decideLease', () => {
  it.each([
    {
      name: 'creates a missing lease holding it from now',
      input: base,
      want: { kind: 'create', record: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTimeMs: 10_000, renewTimeMs: 10_000, leaseTransitions: 0 } },
    },
    {
      name: 'renews its own lease keeping acquire time and transitions',
      input: { ...base, lease: { record: mine, resourceVersion: '7' } },
      want: { kind: 'update', resourceVersion: '7', isTakeover: false, record: { ...mine, renewTimeMs: 10_000 } },
    },
    {
      name: 'waits while another holder renewed within the lease duration (as we observed it)',
      input: { ...base, nowMs: 24_999, lease: { record: other, resourceVersion: '7' } },
      want: { kind: 'wait', holderIdentity: 'b', expiresAtMs: 25_000 },
    },
    {
      name: 'takes over once the other holder has not renewed for the lease duration',
      input: { ...base, nowMs: 25_000, lease: { record: other, resourceVersion: '7' } },
      want: { kind: 'update', resourceVersion: '7', isTakeover: true, record: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTimeMs: 25_000, renewTimeMs: 25_000, leaseTransitions: 4 } },
    },
    {
      name: 'ignores the holder clock: an old renewTime seen just now is not expired',
      input: { ...base, nowMs: 10_001, observedAtMs: 10_000, lease: { record: { ...other, renewTimeMs: -1_000_000 }, resourceVersion: '8' } },
      want: { kind: 'wait', holderIdentity: 'b', expiresAtMs: 25_000 },
    },
    {
      name: 'takes a released lease at once',
      input: { ...base, lease: { record: { ...other, holderIdentity: '' }, resourceVersion: '9' } },
      want: { kind: 'update', resourceVersion: '9', isTakeover: true, record: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTimeMs: 10_000, renewTimeMs: 10_000, leaseTransitions: 4 } },
    },
  ])('$name', ({ input, want }) => {
    expect(decideLease(input)).toEqual(want);
  });

  it('release clears the holder and shortens the duration', () => {
    expect(releasedRecord(mine, 5)).toEqual({ ...mine, holderIdentity: '', leaseDurationSeconds: 1, renewTimeMs: 5 });
  });
});
