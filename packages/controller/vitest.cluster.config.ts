// Integration tests of the controller on a real control plane (etcd + kube-apiserver from the e2e harness).
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'controller:cluster',
    include: ['test-cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
