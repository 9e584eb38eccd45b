import { defineConfig } from 'tsup';
import { NODE_ESM } from '../../scripts/build/tsup-shared.mjs';

export default defineConfig({
  ...NODE_ESM,
  entry: ['src/index.ts', 'src/testing.ts'],
  dts: true,
});
