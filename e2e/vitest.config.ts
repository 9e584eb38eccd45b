// Unit tests of the harness itself (config rendering, manifest parsing, process stop semantics); no cluster.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e:unit',
    include: ['cluster/**/*.test.ts', 'demo/**/*.test.ts', 'kubelet/**/*.unit.test.ts', 'images/**/*.unit.test.ts', 'faults/**/*.unit.test.ts', 'bench/**/*.unit.test.ts'],
  },
});
