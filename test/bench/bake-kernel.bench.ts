/**
 * The fused low-rank bake kernel against the JS path it replaces (tfjs matmul per patch + fused
 * decode-add-encode), per output element, on SDXL shapes; one thread, in this process. With --exhaustive,
 * also checks the kernel's fp32 → fp16 / bf16 encoders against tensor-io's on all 2³² fp32 bit patterns
 * (about a minute).
 *
 *   node scripts/build.mjs main && npx tsx test/bench/bake-kernel.bench.ts [--ranks 8,32,128] [--exhaustive]
 */
import os from 'node:os';
import { initBackend } from '../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../main/engine/compute/tfjs-matmul.js';
import { fusedAddCast } from '../../main/engine/ops/apply/fused-add.js';
import { bakeLowRank } from '../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { kernelMemory, lowRankBakeKernels } from '../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import { f32BitsToBF16Bits } from '../../main/engine/tensor-io/bf16.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import { f32BitsToF16Bits } from '../../main/engine/tensor-io/fp16.js';
import { seeded, timeIt } from './bench-util.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : def;
};
const ranks = opt('ranks', '8,32,128').split(',').map(Number);
const kernels = lowRankBakeKernels();
if (!kernels) throw new Error('WebAssembly SIMD is not available');
await initBackend();
console.log(`bake kernel benchmark (node ${process.version}, ${os.cpus()[0]?.model ?? process.arch}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);

for (const [rows, cols] of [[1280, 5120], [10240, 1280], [640, 640]] as const) {
  const base = encodeFloat(seeded(rows * cols, 1, 0.05), 'F16').slice();
  const out = new Uint8Array(rows * cols * 2);
  for (const r of ranks) {
    const up = seeded(rows * r, 2, 0.01);
    const down = seeded(r * cols, 3, 0.01);
    const patches = [{ up, down, rank: r, start: 0, rows }];
    const kernel = await timeIt(7, () => bakeLowRank(kernels, { base, inDtype: 'F16', outDtype: 'F16', rows, cols, patches }, out));
    const js = await timeIt(3, async () => fusedAddCast(base, 'F16', await tfjsMatMul.matmul(up, down, rows, r, cols), 0, 'F16'));
    const ns = (ms: number): string => ((ms * 1e6) / (rows * cols)).toFixed(2);
    console.log(`  ${rows}×${cols} rank ${String(r).padStart(3)}: kernel ${ns(kernel.median)} ns/element (${((2 * r * rows * cols) / kernel.median / 1e6).toFixed(1)} GFLOP/s), JS path ${ns(js.median)} ns/element: ${(js.median / kernel.median).toFixed(1)}×`);
  }
}

if (args.includes('--exhaustive')) {
  const n = 1 << 22;
  const buf = kernelMemory(kernels, kernels.dataStart + n * 6);
  const x = new Uint32Array(buf, kernels.dataStart, n);
  const y = new Uint16Array(buf, kernels.dataStart + n * 4, n);
  const toF16 = kernels.cast('F32', 'F16');
  const toBF16 = kernels.cast('F32', 'BF16');
  let bad = 0;
  const t0 = performance.now();
  for (let hi = 0; hi < 1024; hi++) {
    for (let i = 0; i < n; i++) x[i] = ((hi << 22) | i) >>> 0;
    toF16(kernels.dataStart, kernels.dataStart + n * 4, n / 8);
    for (let i = 0; i < n; i++) if (y[i] !== f32BitsToF16Bits(x[i]!)) bad++;
    toBF16(kernels.dataStart, kernels.dataStart + n * 4, n / 8);
    for (let i = 0; i < n; i++) if (y[i] !== f32BitsToBF16Bits(x[i]!)) bad++;
  }
  console.log(`  every fp32 bit pattern → fp16 and bf16: ${bad} mismatches with tensor-io (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}
