// Fault injection on the cluster rung (#16): one long scenario (a control plane, every daemon supervised and
// killed at seeded random moments during ≥100 claim cycles, a kube-apiserver restart), then its checks.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e:faults',
    include: ['faults-tests/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 600_000,
  },
});
