// Lint rules that carry the house style (shared/STYLE.md): package boundaries (the nx graph), pure core, ports-only
// services, no `any`, no console in packages, size limits. Safety rules are errors; size limits are warnings to be paid down, not ignored.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { moduleBoundariesRule } from './scripts/lint/module-boundaries.mjs';

const deepImports = {
  patterns: [{ group: ['@openlocal/*/src/*', '@openlocal/*/dist/*', '@openlocal/*/src', '@openlocal/*/dist'], message: 'Import packages by their public name only.' }],
};

export default tseslint.config(
  { ignores: ['**/*.config.ts', '**/dist/**', '**/node_modules/**', '**/src/generated/**', '.cache/**', '.runs/**', '.nx/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { openlocal: { rules: { 'module-boundaries': moduleBoundariesRule(import.meta.dirname) } } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-restricted-imports': ['error', deepImports],
      // The nx package graph from the type:lib / type:app / type:e2e tags (scripts/lint/module-boundaries.mjs).
      'openlocal/module-boundaries': 'error',
      complexity: ['warn', 10],
      'max-depth': ['warn', 3],
      'max-params': ['warn', 3],
    },
  },
  {
    // Libraries and apps log through an injected pino logger, never the console.
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/*/src/**/*.test.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // Libraries depend on no other @openlocal package.
    files: ['packages/lvm/src/**/*.ts', 'packages/crd-types/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...deepImports.patterns, { group: ['@openlocal/*'], message: 'Libraries depend on no other @openlocal package.' }] }],
    },
  },
  {
    // Apps keep decisions pure: src/core touches no I/O, clock or environment.
    files: ['packages/*/src/core/**/*.ts'],
    ignores: ['packages/*/src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:fs', 'node:fs/promises', 'node:child_process', 'node:net', 'express', '@grpc/grpc-js', 'fs', 'child_process', 'net'].map((name) => ({ name, message: 'src/core is pure: do I/O in src/adapters.' })),
          patterns: deepImports.patterns,
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: '@kubernetes/client-node', message: 'Only `import type` in src/core.', allowTypeImports: true }] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Inject a Clock.' }, { object: 'process', property: 'env', message: 'Pass configuration in.' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Inject a Clock.' }],
    },
  },
  {
    // Apps' middle layer, src/services: the stateful loops between core decisions and the world (the agent's
    // discovery loop, the controller's control loop). They reach I/O only through ports from src/adapters and
    // time only through an injected Clock.
    files: ['packages/*/src/services/**/*.ts'],
    ignores: ['packages/*/src/services/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['node:fs', 'node:fs/promises', 'node:child_process', 'node:net', 'node:http', 'express', '@grpc/grpc-js', 'fs', 'child_process', 'net'].map((name) => ({ name, message: 'src/services reach I/O through ports in src/adapters.' })),
          patterns: deepImports.patterns,
        },
      ],
      '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: '@kubernetes/client-node', message: 'Only `import type` in src/services: API calls live in src/adapters.', allowTypeImports: true }] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Inject a Clock.' }, { object: 'process', property: 'env', message: 'Pass configuration in.' }],
      'no-restricted-globals': ['error', { name: 'setTimeout', message: 'Inject a Clock.' }, { name: 'setInterval', message: 'Inject a Clock.' }],
    },
  },
);
