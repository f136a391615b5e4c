// Layer rules of DESIGN.md §2, enforced here:
//   shared/        imports nothing platform-specific (no node:*, electron, DOM libraries, React)
//   main/engine/   never imports electron or the renderer
//   renderer/      never imports main/ or node:*; only shared/
// Packages are checked by no-restricted-imports (import text); files of this repository by
// eslint-plugin-boundaries on the RESOLVED path (eslint.layers.js), so no spelling of a path gets around them.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { layerConfigs } from './eslint.layers.js';

const nodeBuiltins = ['fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', 'http', 'https', 'net', 'url', 'stream', 'events', 'util', 'zlib', 'buffer', 'process'];
const nodePatterns = ['node:*', ...nodeBuiltins, ...nodeBuiltins.map((m) => `${m}/*`)];

export default tseslint.config(
  // main/**/assembly/: the WebAssembly kernels' AssemblyScript sources (not TypeScript: top-level decorators,
  // i32 / v128 types); the AssemblyScript compiler checks them (scripts/wasm-kernels.mjs).
  { ignores: ['node_modules/**', 'dist/**', 'release/**', '.tsbuild/**', 'assets/demo/**', 'coverage/**', 'test-output/**', 'main/**/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], languageOptions: { globals: globals.node } },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodePatterns, message: 'shared/ is pure TypeScript: no Node built-ins (DESIGN.md §2).' },
          { group: ['electron', 'electron/*'], message: 'shared/ must not import electron.' },
          { group: ['react', 'react-dom', 'react/*', 'react-dom/*', '@xyflow/*'], message: 'shared/ must not import React.' },
          { group: ['@tensorflow/*'], message: 'shared/ must not import the compute backend.' },
        ],
      }],
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['electron', 'electron/*'], message: 'main/engine is headless: never import electron (DESIGN.md §2).' },
        ],
      }],
    },
  },
  ...layerConfigs,
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodePatterns, message: 'renderer/ runs in a sandboxed page: no Node built-ins (DESIGN.md §2).' },
          { group: ['electron', 'electron/*'], message: 'renderer/ talks to the platform through shared/ipc PlatformApi only.' },
          { group: ['@tensorflow/*'], message: 'tensors never reach the renderer.' },
        ],
      }],
    },
  },
);
