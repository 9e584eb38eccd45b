// The main command checked by its output: `scripts/demo --once` runs once for the whole file (a real control
// plane, Open-Local's processes, loop-backed VGs) and each test asserts one thing the run printed or left.
import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'e2e:demo',
    include: ['demo-tests/**/*.test.ts'],
    testTimeout: 60_000,
    // The one demo run: a cold start on two shared cores takes minutes.
    hookTimeout: 900_000,
  },
});
