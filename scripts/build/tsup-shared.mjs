// What every bundle of the tree shares, once: the Node target and output shape of each package's tsup config,
// and the banner of the self-contained bundles (the extender's daemon, the image bundles). Imported by every
// packages/*/tsup.config.ts and by e2e/images/build.ts.

/** The Node release the bundles target: the oldest the packages' `engines` accept. */
export const NODE_TARGET = 'node20';

/** The tsup options every package shares: ES modules for Node with source maps, dist/ cleaned first. */
export const NODE_ESM = Object.freeze({ format: ['esm'], clean: true, sourcemap: true, target: NODE_TARGET });

/**
 * JavaScript to put before a self-contained bundle's code (tsup's `banner.js`): bundled CommonJS dependencies
 * still use require, __filename and __dirname, which an ES module lacks.
 */
export const COMMONJS_SHIMS = [
  "import { createRequire as __olCreateRequire } from 'node:module';",
  "import { fileURLToPath as __olFileURLToPath } from 'node:url';",
  "import { dirname as __olDirname } from 'node:path';",
  'const require = __olCreateRequire(import.meta.url);',
  'const __filename = __olFileURLToPath(import.meta.url);',
  'const __dirname = __olDirname(__filename);',
].join(' ');
