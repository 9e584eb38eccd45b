// The kubelet rung: a real kubelet + containerd + runc node in the QEMU guest, joined to a host control plane.
// One file, one guest boot; slow by nature (software-emulated CPU), so generous timeouts.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e:kubelet',
    include: ['kubelet/**/*.test.ts'],
    exclude: ['kubelet/**/*.unit.test.ts'],
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 600_000,
  },
});
