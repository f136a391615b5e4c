#!/usr/bin/env node
// Builds what the app and the CLI run: esbuild bundles for the Node side, Vite for the renderer.
//   node scripts/build.mjs            everything
//   node scripts/build.mjs main       the WebAssembly kernels (scripts/wasm-kernels.mjs), CLI, server,
//                                     engine worker, Electron main + preload
//   node scripts/build.mjs renderer   the React UI into dist/renderer
// --quiet prints nothing on success (used by `npm run cli`, whose stdout is the CLI's).
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildKernels } from './wasm-kernels.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quiet = args.includes('--quiet');
const targets = args.filter((a) => !a.startsWith('--'));
const want = (t) => targets.length === 0 || targets.includes(t) || targets.includes('all');
const log = (...m) => { if (!quiet) console.log(...m); };

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: quiet ? 'error' : 'warning',
  absWorkingDir: root,
};

/**
 * The CLI and the engine worker bundle their dependencies, except native or optional packages and TF.js.
 * TF.js stays in node_modules (its WebAssembly glue does not initialise when bundled), loaded with
 * require(): imported as ESM, Node scans each of its CommonJS files for export names first, about 0.13 s
 * more for every thread that starts (the CLI and each worker).
 */
const UNBUNDLED = ['webgpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu', 'electron'];
const REQUIRED = /^@tensorflow\/tfjs-(core|backend-wasm|backend-cpu)(\/.*)?$/;
const requireTfjs = {
  name: 'require-tfjs',
  setup(b) {
    b.onResolve({ filter: REQUIRED }, (args) => (args.namespace === 'require-tfjs' ? { path: args.path, external: true } : { path: args.path, namespace: 'require-tfjs' }));
    b.onLoad({ filter: /.*/, namespace: 'require-tfjs' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

async function buildMain() {
  const t0 = Date.now();
  const kernels = await buildKernels();
  if (kernels.length > 0) log(`compiled ${kernels.join(', ')} in ${Date.now() - t0} ms`);
  const esmEntries = {
    cli: 'main/cli/index.ts',
    'engine-worker': 'main/engine/workers/worker.ts',
  };
  const entryPoints = Object.fromEntries(Object.entries(esmEntries).filter(([, p]) => existsSync(path.join(root, p))));
  await build({
    ...nodeCommon,
    entryPoints,
    outdir: 'dist',
    format: 'esm',
    packages: 'bundle',
    external: UNBUNDLED,
    plugins: [requireTfjs],
    // Bundled ESM needs require() for the CommonJS packages it inlines nothing of, but Node's
    // createRequire keeps `require` available to code that feature-detects it.
    banner: { js: "import { createRequire as __lsCreateRequire } from 'node:module'; const require = __lsCreateRequire(import.meta.url);" },
  });
  const electronEntries = [
    ['main/electron/main.ts', 'dist/electron/main.cjs'],
    ['main/preload/index.ts', 'dist/electron/preload.cjs'],
    ['main/electron/engine-host.ts', 'dist/electron/engine-host.cjs'],
  ].filter(([src]) => existsSync(path.join(root, src)));
  for (const [src, out] of electronEntries) {
    // A sandboxed preload can require nothing but electron: everything else is bundled into it.
    const preload = src.startsWith('main/preload/');
    // moduleLocation() falls back to __filename where esbuild empties import.meta in CommonJS: expected, not worth a warning.
    await build({ ...nodeCommon, packages: preload ? 'bundle' : 'external', minify: preload, entryPoints: [src], outfile: out, format: 'cjs', external: ['electron'], logOverride: { 'empty-import-meta': 'silent' } });
  }
  log(`built main in ${Date.now() - t0} ms`);
}

async function buildRenderer() {
  if (!existsSync(path.join(root, 'renderer/index.html'))) return;
  const t0 = Date.now();
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: path.join(root, 'renderer/vite.config.ts'), logLevel: quiet ? 'error' : 'warn' });
  log(`built renderer in ${Date.now() - t0} ms`);
}

try {
  if (want('main')) await buildMain();
  if (want('renderer')) await buildRenderer();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
