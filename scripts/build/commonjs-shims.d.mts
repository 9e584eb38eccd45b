// Types of commonjs-shims.mjs, for the TypeScript that imports it (e2e/images/build.ts).
/** JavaScript to put before a bundle's code (tsup's `banner.js`): defines require, __filename and __dirname. */
export declare const COMMONJS_SHIMS: string;
