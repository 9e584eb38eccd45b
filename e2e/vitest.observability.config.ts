// Issue #18: a real Prometheus scrapes a running Open-Local cluster (the demo's parts), and the chart's rules
// and dashboard queries are evaluated by it. One cluster for the file; run by scripts/test.d/42-observability.sh.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e:observability',
    include: ['observability-tests/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    // A cold cluster with provisioned volumes on two shared cores takes minutes.
    hookTimeout: 900_000,
  },
});
