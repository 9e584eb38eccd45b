import { defineConfig } from 'tsup';
import { COMMONJS_SHIMS, NODE_ESM } from '../../scripts/build/tsup-shared.mjs';

export default defineConfig([
  {
    entry: ['src/status-main.ts', 'src/index.ts'],
    ...NODE_ESM,
    dts: false,
  },
  {
    // The daemon is one self-contained module with every dependency inlined and tree-shaken: Node then loads
    // only the code it runs (client-node's generated API classes alone cost ~60 MiB of RSS; issue #19).
    entry: ['src/main.ts'],
    ...NODE_ESM,
    dts: false,
    clean: false,
    noExternal: [/.*/],
    splitting: false,
    banner: { js: COMMONJS_SHIMS },
  },
]);
