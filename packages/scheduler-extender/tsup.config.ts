import { defineConfig } from 'tsup';
import { COMMONJS_SHIMS } from '../../scripts/build/commonjs-shims.mjs';

export default defineConfig([
  {
    entry: ['src/status-main.ts', 'src/index.ts'],
    format: ['esm'],
    dts: false,
    clean: true,
    sourcemap: true,
    target: 'node20',
  },
  {
    // The daemon is one self-contained module with every dependency inlined and tree-shaken: Node then loads
    // only the code it runs (client-node's generated API classes alone cost ~60 MiB of RSS; issue #19).
    entry: ['src/main.ts'],
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: true,
    target: 'node20',
    noExternal: [/.*/],
    splitting: false,
    banner: { js: COMMONJS_SHIMS },
  },
]);
