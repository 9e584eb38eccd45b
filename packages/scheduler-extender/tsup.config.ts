import { defineConfig } from 'tsup';

// Bundled CommonJS dependencies still use require, __filename and __dirname: give the ES module those.
const COMMONJS_SHIMS = [
  "import { createRequire as __olCreateRequire } from 'node:module';",
  "import { fileURLToPath as __olFileURLToPath } from 'node:url';",
  "import { dirname as __olDirname } from 'node:path';",
  'const require = __olCreateRequire(import.meta.url);',
  'const __filename = __olFileURLToPath(import.meta.url);',
  'const __dirname = __olDirname(__filename);',
].join(' ');

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
