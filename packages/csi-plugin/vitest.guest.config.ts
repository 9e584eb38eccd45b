// The LVM node path with real device-mapper (project "csi-plugin:guest"): run INSIDE the QEMU guest by
// scripts/test.d/60-csi.sh through e2e/vm. Anywhere else the tests skip and say why. vite's cache goes to the
// guest's tmpfs because the checkout is the host's, mounted read-only.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineProject } from 'vitest/config';

export default defineProject({
  cacheDir: join(tmpdir(), 'openlocal-vitest-csi-guest'),
  test: {
    name: 'csi-plugin:guest',
    include: ['test-guest/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
