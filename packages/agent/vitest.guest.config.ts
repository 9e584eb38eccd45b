// The agent inside the QEMU guest (real device-mapper: suspended tables, thin pools), reporting to a real
// kube-apiserver on the host; one guest boot per suite. Stage 45-nls runs it after the cluster suite.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'agent:guest',
    include: ['test-guest/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
