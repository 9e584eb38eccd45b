// The chart's tests (project "chart"): helm lint/template against the real helm binary, and helm install into a
// real kube-apiserver from the e2e harness. Run by scripts/test.d/55-chart.sh (not part of the root projects).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'chart',
    root: import.meta.dirname,
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
