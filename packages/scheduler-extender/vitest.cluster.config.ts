import { defineProject } from 'vitest/config';

// Real kube-scheduler + kube-apiserver + etcd (e2e harness) with the built extender as a process.
export default defineProject({
  test: {
    name: 'scheduler-extender:cluster',
    include: ['test-cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
