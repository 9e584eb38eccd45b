// Checks of the pinned upstream tools that scripts/build-tools puts in $OPENLOCAL_CACHE/tools/bin: each
// binary runs from the cache and reports the version tools/versions.env pins. Run by scripts/test.d/05-tools.sh
// (`npx vitest run --config tools/vitest.tools.config.ts`), not by the root config, after build-tools.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'tools:check',
    root: import.meta.dirname,
    include: ['check.test.ts'],
    reporters: ['default', '../scripts/count-reporter.mjs'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
