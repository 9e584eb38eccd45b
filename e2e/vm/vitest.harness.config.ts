// The harness against real QEMU (project "vm:harness"): boots guests, so it runs in stage 30-guest only.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  root: dirname(fileURLToPath(import.meta.url)),
  test: {
    name: 'vm:harness',
    include: ['harness-tests/*.test.ts'],
    fileParallelism: false,
  },
});
