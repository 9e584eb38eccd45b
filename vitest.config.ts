// Root config: each vitest.<kind>.config.ts of a package is one project named "<package>:<kind>", so
// `vitest run --project "*:unit"` runs every unit suite and `vitest run` inside a package still works.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.*config.ts', 'e2e/vitest.*config.ts', 'scripts/vitest.*config.ts'],
    reporters: ['default', './scripts/count-reporter.mjs'],
    passWithNoTests: true,
  },
});
