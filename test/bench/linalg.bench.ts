/**
 * Linear-algebra benchmarks: backend matmul throughput, the fp64 Gram kernels, lowRankSVD per SDXL module
 * shape (three rank-64 LoRAs stacked, R = 192, compressed to k = 64) and the dense route on one module.
 *   node scripts/build.mjs main && npx tsx test/bench/linalg.bench.ts [--dense-1280]
 * Prints numbers; asserts nothing about time. The machine is shared: best and median of several runs.
 */
import { initBackend } from '../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../main/engine/compute/tfjs-matmul.js';
import { tfjsOperator } from '../../main/engine/compute/tfjs-operator.js';
import { gramOfColumns, gramOfRows } from '../../main/engine/linalg/kernels/gram.js';
import { lowRankSVD, type LowRankFactors } from '../../main/engine/linalg/low-rank-svd.js';
import { randomizedSVD } from '../../main/engine/linalg/randomized-svd.js';
import { svd } from '../../main/engine/linalg/svd.js';
import { fmt, seeded, timeIt } from './bench-util.js';
import { SDXL_MODULE_COUNT, SDXL_UNET_LORA_MODULES } from './sdxl-shapes.js';

const RANK = 64;
const LORAS = 3;
const R = RANK * LORAS;

/** Three rank-64 LoRAs stacked as combine would: hstack(up_i), vstack(w_i·down_i). */
export function sdxlStack(out: number, inDim: number, seed: number): LowRankFactors {
  return { up: seeded(out * R, seed, 0.02), down: seeded(R * inDim, seed + 1, 0.1), rows: out, rank: R, cols: inDim };
}

async function backendSection(): Promise<void> {
  const info = await initBackend();
  console.log(`backend: ${info.detail}`);
  const n = 1024;
  const a = seeded(n * n, 1);
  const b = seeded(n * n, 2);
  const t = await timeIt(5, () => tfjsMatMul.matmul(a, b, n, n, n));
  console.log(`matmul 1024³: ${fmt(t)} → ${((2 * n ** 3) / t.best / 1e6).toFixed(1)} GFLOP/s (best)`);
  const up = seeded(1280 * 32, 3);
  const down = seeded(32 * 5120, 4);
  const t2 = await timeIt(5, () => tfjsMatMul.matmul(up, down, 1280, 32, 5120));
  console.log(`rank-32 up·down 1280×5120 incl. download: ${fmt(t2)}`);
}

async function gramSection(): Promise<void> {
  const [r, n] = [R, 10240];
  const x = seeded(r * n, 5);
  const madds = (n * r * (r + 1)) / 2;
  for (const kernel of ['wasm', 'js'] as const) {
    const rows = await timeIt(5, () => gramOfRows(x, r, n, kernel));
    const cols = await timeIt(5, () => gramOfColumns(x, n, r, kernel));
    const rate = (t: { best: number }): string => `${(madds / t.best / 1e6).toFixed(2)} G madd/s`;
    console.log(`fp64 Gram ${r}×${n} (${kernel}): rows ${fmt(rows)} (${rate(rows)}), columns ${fmt(cols)} (${rate(cols)})`);
  }
}

async function perModuleSection(): Promise<number> {
  console.log(`\nlowRankSVD, R = ${R} → k = ${RANK}, main thread, tfjs for the two big products:`);
  let total = 0;
  for (const [i, m] of SDXL_UNET_LORA_MODULES.entries()) {
    const f = sdxlStack(m.out, m.in, 10 + i);
    await lowRankSVD(f, RANK, tfjsMatMul);
    const t = await timeIt(7, () => lowRankSVD(f, RANK, tfjsMatMul));
    total += t.median * m.count;
    console.log(`  ${String(m.out).padStart(5)}×${String(m.in).padEnd(5)} ×${String(m.count).padStart(3)}  ${fmt(t)}  (${m.label})`);
  }
  console.log(`  SDXL UNet, ${SDXL_MODULE_COUNT} modules, one thread (Σ count × median): ${(total / 1000).toFixed(2)} s`);
  return total;
}

/** The anchors' route: form the out×in product, full SVD, truncate (here in fp64, which also gives the reference). */
async function denseSection(out: number, inDim: number): Promise<void> {
  const f = sdxlStack(out, inDim, 99);
  const low = await timeIt(5, () => lowRankSVD(f, RANK, tfjsMatMul));
  const result = await lowRankSVD(f, RANK, tfjsMatMul);
  const t0 = performance.now();
  const p = new Float64Array(out * inDim);
  for (let i = 0; i < out; i++) {
    for (let l = 0; l < R; l++) {
      const a = f.up[i * R + l]!;
      for (let c = 0; c < inDim; c++) p[i * inDim + c] += a * f.down[l * inDim + c]!;
    }
  }
  const formed = performance.now() - t0;
  const dense = svd({ rows: out, cols: inDim, data: p });
  const dt = performance.now() - t0;
  let maxRel = 0;
  for (let i = 0; i < RANK; i++) maxRel = Math.max(maxRel, Math.abs(result.S[i]! - dense.S[i]!) / dense.S[i]!);
  console.log(`\ndense route on one ${out}×${inDim} module (form in fp64: ${formed.toFixed(0)} ms, full SVD with vectors, truncate): ${(dt / 1000).toFixed(2)} s`);
  console.log(`  lowRankSVD on the same module: ${fmt(low)} → ${(dt / low.median).toFixed(0)}× faster (median)`);
  console.log(`  top-${RANK} singular values, max relative difference to the dense fp64 SVD: ${maxRel.toExponential(2)}`);
}

/** Extraction-sized dense matrices (a ΔW of rank 200 plus noise), k = 64, default oversample and power iterations. */
async function randomizedSection(): Promise<void> {
  console.log('\nrandomizedSVD, k = 64, oversample 10, 2 power iterations, main thread:');
  for (const [rows, cols] of [[10240, 2560], [3072, 12288]] as const) {
    const a = new Float32Array(rows * cols);
    const left = seeded(rows * 200, 7, 0.05);
    const right = seeded(200 * cols, 8, 0.05);
    const full = await tfjsMatMul.matmul(left, right, rows, 200, cols);
    const noise = seeded(rows * cols, 9, 1e-4);
    for (let i = 0; i < a.length; i++) a[i] = full[i]! + noise[i]!;
    const copied = await timeIt(3, () => randomizedSVD({ data: a, rows, cols }, RANK, tfjsMatMul));
    const op = tfjsOperator(a, rows, cols);
    const resident = await timeIt(3, () => randomizedSVD(op, RANK, tfjsMatMul));
    op.dispose();
    console.log(`  ${rows}×${cols}: matrix resident on the backend (tfjsOperator) ${fmt(resident)}; uploaded per product ${fmt(copied)}`);
  }
}

const args = process.argv.slice(2);
await backendSection();
await gramSection();
await perModuleSection();
await denseSection(640, 640);
await randomizedSection();
if (args.includes('--dense-1280')) await denseSection(1280, 1280);
