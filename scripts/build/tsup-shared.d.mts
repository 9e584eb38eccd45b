// Types of tsup-shared.mjs, for the TypeScript that imports it (e2e/images/build.ts).
/** The Node release the bundles target. */
export declare const NODE_TARGET: 'node20';
/** The tsup options every package shares. */
export declare const NODE_ESM: Readonly<{ format: ['esm']; clean: true; sourcemap: true; target: 'node20' }>;
/** JavaScript to put before a self-contained bundle's code (tsup's `banner.js`): defines require, __filename and __dirname. */
export declare const COMMONJS_SHIMS: string;
