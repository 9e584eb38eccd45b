// Unit tests of the VM harness (cpio writer, module order, qemu argv, op-time table); no guest is booted.
// Runs on its own with `npx vitest run --config e2e/vm/vitest.unit.config.ts`; e2e:unit may include vm/**.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  root: dirname(fileURLToPath(import.meta.url)),
  test: {
    name: 'vm:unit',
    include: ['*.test.ts'],
  },
});
