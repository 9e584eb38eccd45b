// The Lease store of leader election on coordination.k8s.io/v1: read, create, and replace with the read
// resourceVersion (optimistic concurrency; 409 = another replica wrote first).
import { CoordinationV1Api, V1MicroTime, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { LeaseRecord, ObservedLease } from './core/lease-decision.js';
import type { LeaseStore } from './leader-elector.js';
import { httpStatusOf } from './api-errors.js';

function timeMs(value: unknown): number {
  // client-node leaves MicroTime as the string it received (its serializer does not know the type).
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return Number.isFinite(ms) ? ms : 0;
}

function toObserved(lease: V1Lease): ObservedLease {
  const spec = lease.spec ?? {};
  return {
    resourceVersion: lease.metadata?.resourceVersion ?? '',
    record: {
      holderIdentity: spec.holderIdentity ?? '',
      leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
      acquireTimeMs: timeMs(spec.acquireTime),
      renewTimeMs: timeMs(spec.renewTime),
      leaseTransitions: spec.leaseTransitions ?? 0,
    },
  };
}

function toBody(lease: { name: string; namespace: string; resourceVersion?: string }, record: LeaseRecord): V1Lease {
  const { name, namespace, resourceVersion } = lease;
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace, ...(resourceVersion === undefined ? {} : { resourceVersion }) },
    spec: {
      holderIdentity: record.holderIdentity,
      leaseDurationSeconds: record.leaseDurationSeconds,
      acquireTime: new V1MicroTime(record.acquireTimeMs),
      renewTime: new V1MicroTime(record.renewTimeMs),
      leaseTransitions: record.leaseTransitions,
    },
  };
}

async function conflictAware(write: () => Promise<V1Lease>): Promise<ObservedLease | 'conflict'> {
  try {
    return toObserved(await write());
  } catch (error) {
    if (httpStatusOf(error) === 409) return 'conflict';
    throw error;
  }
}

export function createLeaseStore(kubeConfig: KubeConfig, lease: { name: string; namespace: string }): LeaseStore {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const { name, namespace } = lease;
  return {
    async get() {
      try {
        return toObserved(await api.readNamespacedLease({ name, namespace }));
      } catch (error) {
        if (httpStatusOf(error) === 404) return null;
        throw error;
      }
    },
    create: (record) => conflictAware(() => api.createNamespacedLease({ namespace, body: toBody({ name, namespace }, record) })),
    update: (record, resourceVersion) =>
      conflictAware(() => api.replaceNamespacedLease({ name, namespace, body: toBody({ name, namespace, resourceVersion }, record) })),
  };
}
