import { defineConfig } from 'tsup';
import { NODE_ESM } from '../../scripts/build/tsup-shared.mjs';

export default defineConfig({
  ...NODE_ESM,
  entry: ['src/main.ts', 'src/index.ts'],
  dts: false,
});
