// Test doubles of @openlocal/kube-runtime, published as '@openlocal/kube-runtime/testing'.
export { flushMicrotasks, ManualClock } from './testing/manual-clock.js';
export { MemoryLeaseBackend, MemoryLeaseClient } from './testing/memory-lease-store.js';
