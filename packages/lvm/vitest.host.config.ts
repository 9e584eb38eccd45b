// Host integration tests: real lvm2 on loop devices as root. One file at a time, since they share the
// kernel's loop devices and LVM's global lock.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'lvm:host',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
