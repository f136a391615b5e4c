/**
 * Every WebAssembly kernel on its own (no JS path beside it): the linalg fp64 kernels at SDXL LoRA sizes
 * (R = 192) and the fused bake kernel and casts for several dtype pairs on a 1280×5120 weight. One thread,
 * in this process; best and median wall time of several runs, and the best CPU time of this process per run
 * (steadier than wall time where other work shares the cores). Used to compare two builds of the kernels.
 *
 *   node scripts/build.mjs main && npx tsx test/bench/wasm-kernels.bench.ts
 */
import os from 'node:os';
import { gemm } from '../../main/engine/linalg/kernels/gemm.js';
import { gramOfColumns, gramOfRows } from '../../main/engine/linalg/kernels/gram.js';
import { wasmKernels, wasmMemory } from '../../main/engine/linalg/kernels/wasm-kernels.js';
import type { Matrix } from '../../main/engine/linalg/matrix.js';
import { bakeLowRank } from '../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { kernelMemory, lowRankBakeKernels } from '../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import type { KernelDType } from '../../main/engine/ops/apply/kernels/simd-float-codecs.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import { seeded } from './bench-util.js';

interface KernelTiming {
  best: number;
  median: number;
  cpu: number;
}

/** Wall best / median and CPU best (user + system of this process), in ms per call. */
function timeKernel(repeats: number, fn: () => unknown): KernelTiming {
  const wall: number[] = [];
  let cpu = Infinity;
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  return { best: wall[0]!, median: wall[Math.floor(repeats / 2)]!, cpu };
}

const fmt = (t: KernelTiming): string => `best ${t.best.toFixed(2)} ms, median ${t.median.toFixed(2)} ms, CPU best ${t.cpu.toFixed(2)} ms`;

const linalg = wasmKernels();
const bake = lowRankBakeKernels();
if (!linalg || !bake) throw new Error('WebAssembly SIMD is not available');
console.log(`WebAssembly kernels (node ${process.version}, ${os.cpus()[0]?.model ?? process.arch}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);

const R = 192;
const N = 10240;
const x = seeded(R * N, 5);
console.log(`gramRows ${R}×${N}:    ${fmt(timeKernel(7, () => gramOfRows(x, R, N, 'wasm')))}`);
console.log(`gramCols ${N}×${R}:    ${fmt(timeKernel(7, () => gramOfColumns(x, N, R, 'wasm')))}`);

const square = (seed: number): Matrix => ({ rows: R, cols: R, data: Float64Array.from(seeded(R * R, seed)) });
const a = square(6);
const b = square(7);
console.log(`gemm ${R}³:             ${fmt(timeKernel(15, () => gemm(a, b)))}`);
console.log(`gemm ${R}³ symmetric:   ${fmt(timeKernel(15, () => gemm(a, b, { symmetric: true })))}`);

// The tridiagonalisation sweeps on an m×m matrix (stride m + 2, padding column and entries zero), m = 1024.
const m = 1024;
const stride = m + 2;
const sAt = 0;
const vAt = stride * m * 8;
const pAt = vAt + stride * 8;
const wAt = pAt + stride * 8;
const mem = new Float64Array(wasmMemory(linalg, wAt + stride * 8));
mem.set(Float64Array.from(seeded(stride * m, 8)), 0);
for (let i = 0; i < m; i++) mem[i * stride + m] = 0;
const v = Float64Array.from(seeded(stride, 9));
v[m] = 0;
const reset = (): void => {
  mem.set(v, vAt / 8);
  mem.fill(0, pAt / 8, pAt / 8 + stride);
};
console.log(`symvUpper ${m}:        ${fmt(timeKernel(15, () => (reset(), linalg.symvUpper(sAt, stride, m, vAt, pAt))))}`);
console.log(`syr2Upper ${m}:        ${fmt(timeKernel(15, () => (reset(), linalg.syr2Upper(sAt, stride, m, vAt, pAt))))}`);
console.log(`reflect ${m}×${m}:     ${fmt(timeKernel(15, () => (reset(), linalg.reflect(vAt, 1e-3, sAt, stride, m, m, wAt))))}`);

const rows = 1280;
const cols = 5120;
const values = seeded(rows * cols, 1, 0.05);
const ns = (ms: number): string => ((ms * 1e6) / (rows * cols)).toFixed(2);
const bakeCases: ReadonlyArray<[KernelDType, KernelDType, number]> = [
  ['F16', 'F16', 8], ['F16', 'F16', 32], ['F16', 'F16', 128], ['BF16', 'BF16', 32], ['F32', 'F16', 32], ['F16', 'F32', 32], ['F32', 'F32', 32],
];
for (const [inDtype, outDtype, r] of bakeCases) {
  const base = encodeFloat(values, inDtype).slice();
  const patches = [{ up: seeded(rows * r, 2, 0.01), down: seeded(r * cols, 3, 0.01), rank: r, start: 0, rows }];
  const t = timeKernel(7, () => bakeLowRank(bake, { base, inDtype, outDtype, rows, cols, patches }));
  console.log(`bake ${inDtype}→${outDtype} rank ${String(r).padStart(3)}: ${ns(t.best)} ns/element best, ${ns(t.median)} median, ${ns(t.cpu)} CPU best`);
}
const n = 1 << 20;
for (const [inDtype, outDtype] of [['F32', 'F16'], ['F32', 'BF16'], ['F16', 'F32'], ['BF16', 'F16']] as const) {
  const inAt = bake.dataStart;
  const outAt = inAt + n * 4;
  new Uint8Array(kernelMemory(bake, outAt + n * 4)).set(encodeFloat(seeded(n, 4), inDtype), inAt);
  const cast = bake.cast(inDtype, outDtype);
  const t = timeKernel(15, () => cast(inAt, outAt, n / 8));
  const per = (ms: number): string => ((ms * 1e6) / n).toFixed(3);
  console.log(`cast ${inDtype}→${outDtype}: ${per(t.best)} ns/element best, ${per(t.median)} median, ${per(t.cpu)} CPU best`);
}
