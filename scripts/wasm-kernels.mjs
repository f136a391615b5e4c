// Compiles the engine's WebAssembly kernels from their AssemblyScript sources into dist/kernels/*.wasm,
// where the engine loads them at run time (main/engine/linalg/kernels/wasm-binary.ts). Run by
// `node scripts/build.mjs main` (so by `npm start`, `npm run cli` and the tests' global setup); a kernel is
// compiled again only when a file of its assembly/ folder, this script or the compiler is newer than it.
//   node scripts/wasm-kernels.mjs [--force]
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Each kernel module: its AssemblyScript entry file and the binary it becomes in dist/kernels/. */
export const NODE_IMPLS = [
  { source: 'main/engine/linalg/kernels/assembly/linalg-kernels.ts', binary: 'linalg-kernels.wasm' },
  { source: 'main/engine/ops/apply/kernels/assembly/low-rank-bake.ts', binary: 'low-rank-bake.wasm' },
];

export const KERNELS_DIR = path.join(root, 'dist', 'kernels');

/**
 * Release build with fixed-width SIMD (no relaxed SIMD: no FMA, so results are the same on every engine),
 * the minimal runtime (the kernels allocate nothing) and no imports (no abort handler). The linalg module
 * has no static data: its callers lay out its memory from address 0.
 */
const ASC_FLAGS = ['--optimizeLevel', '3', '--shrinkLevel', '0', '--noAssert', '--runtime', 'stub', '--use', 'abort=', '--enable', 'simd', '--initialMemory', '1'];

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

function newestInputTime(source) {
  const dir = path.dirname(path.join(root, source));
  const inputs = readdirSync(dir).map((f) => path.join(dir, f));
  inputs.push(fileURLToPath(import.meta.url), require.resolve('assemblyscript/package.json'));
  return Math.max(...inputs.map(mtime));
}

async function compile(source, outFile) {
  const { default: asc } = await import('assemblyscript/asc');
  const out = [];
  const sink = { write: (s) => (out.push(String(s)), true) };
  let binary = null;
  const { error } = await asc.main([path.join(root, source), ...ASC_FLAGS, '--outFile', outFile], {
    stdout: sink,
    stderr: sink,
    writeFile: (name, contents) => {
      if (name.endsWith('.wasm')) binary = contents;
    },
  });
  if (error || !binary) throw new Error(`compiling the WebAssembly kernel ${source} failed:\n${out.join('')}${error ? String(error.message ?? error) : ''}`);
  return binary;
}

/** Compiles the kernels that are out of date (all with force); returns the binaries written. */
export async function buildKernels({ force = false } = {}) {
  mkdirSync(KERNELS_DIR, { recursive: true });
  const written = [];
  for (const { source, binary } of NODE_IMPLS) {
    const outFile = path.join(KERNELS_DIR, binary);
    if (!force && mtime(outFile) > newestInputTime(source)) continue;
    // Written whole, then renamed: a process loading the kernels meanwhile never sees half a file.
    const partial = `${outFile}.tmp-${process.pid}`;
    writeFileSync(partial, await compile(source, outFile));
    renameSync(partial, outFile);
    written.push(path.relative(root, outFile));
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const written = await buildKernels({ force: process.argv.includes('--force') });
    console.log(written.length ? `compiled ${written.join(', ')}` : 'the WebAssembly kernels are up to date');
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
