// Host integration tests: a real plugin process on a unix socket, real lvm on loop devices (metadata only on
// hosts without device-mapper), real mkfs and mount. One file at a time: they share loop devices and lvm locks.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'csi-plugin:host',
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
