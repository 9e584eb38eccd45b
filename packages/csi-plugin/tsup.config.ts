import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts', 'src/upgrade-check-main.ts', 'src/index.ts'],
  format: ['esm'],
  dts: { entry: { index: "src/index.ts" } },
  clean: true,
  sourcemap: true,
  target: 'node20',
});
