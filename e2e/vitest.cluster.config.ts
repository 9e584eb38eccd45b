// Cluster tests: one real control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler) with
// simulated nodes, started once by the global setup and shared by every file; each test gets its own namespace.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e:cluster',
    include: ['cluster-tests/**/*.test.ts'],
    globalSetup: ['cluster-tests/global-setup.ts'],
    // Two cores also run the control plane: one test file at a time keeps timings honest.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
