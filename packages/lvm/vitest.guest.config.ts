// Device-mapper tests (project "lvm:guest"): run INSIDE the QEMU guest by `npx tsx e2e/vm/cli.ts vitest`, which
// boots a Debian kernel with device-mapper and gives the tests virtio disks. Anywhere else they skip and say why.
// The checkout is read-only for the guest's purposes, so vite's cache goes to the guest's tmpfs.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProject } from 'vitest/config';

export default defineProject({
  cacheDir: join(tmpdir(), 'openlocal-vitest-guest'),
  test: {
    name: 'lvm:guest',
    include: ['test-guest/**/*.test.ts'],
    // One file at a time: they share the guest's one vCPU, LVM's global lock and the disks.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
