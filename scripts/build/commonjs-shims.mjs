// The one banner for every self-contained ES module bundle (the extender's daemon, the image bundles):
// bundled CommonJS dependencies still use require, __filename and __dirname, which an ES module lacks.
// Imported by packages/scheduler-extender/tsup.config.ts and e2e/images/build.ts.

/** JavaScript to put before a bundle's code (tsup's `banner.js`): defines require, __filename and __dirname. */
export const COMMONJS_SHIMS = [
  "import { createRequire as __olCreateRequire } from 'node:module';",
  "import { fileURLToPath as __olFileURLToPath } from 'node:url';",
  "import { dirname as __olDirname } from 'node:path';",
  'const require = __olCreateRequire(import.meta.url);',
  'const __filename = __olFileURLToPath(import.meta.url);',
  'const __dirname = __olDirname(__filename);',
].join(' ');
