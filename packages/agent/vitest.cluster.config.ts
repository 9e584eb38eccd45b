// Integration tests of the agent on a real control plane with simulated nodes, each with its own loop
// devices, VG names and LVM view (LVM_SYSTEM_DIR), and its own agent process.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'agent:cluster',
    include: ['test-cluster/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
