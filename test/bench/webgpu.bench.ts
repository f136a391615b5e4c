/**
 * WebGPU vs the WebAssembly kernels on SDXL shapes: the fused low-rank bake (F16 → F16), a product of the
 * MatMul seam and the float-float Grams of the svd combine (vs the fp64 WebAssembly Gram kernel), in this process, with the adapter's name. On a software adapter (llvmpipe) the figures say
 * nothing about GPUs; it runs anyway (`--backend webgpu` semantics) and says so.
 *
 *   npx tsx test/bench/webgpu.bench.ts [--ranks 8,32,128]
 */
import os from 'node:os';
import { initBackend } from '../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../main/engine/compute/tfjs-matmul.js';
import { openGpu } from '../../main/engine/compute/webgpu/gpu-device.js';
import { gpuGramOfColumns, gpuGramOfRows } from '../../main/engine/compute/webgpu/gpu-gram.js';
import { gpuMatMul } from '../../main/engine/compute/webgpu/gpu-matmul.js';
import { gramOfColumns, gramOfRows } from '../../main/engine/linalg/kernels/gram.js';
import { bakeLowRank } from '../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { bakeLowRankGpuToBytes } from '../../main/engine/ops/apply/kernels/low-rank-bake-gpu.js';
import { lowRankBakeKernels } from '../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import { encodeFloat } from '../../main/engine/tensor-io/float-convert.js';
import { fmt, seeded, timeIt } from './bench-util.js';

const args = process.argv.slice(2);
const i = args.indexOf('--ranks');
const ranks = (i >= 0 ? args[i + 1]! : '8,32,128').split(',').map(Number);
const kernels = lowRankBakeKernels();
if (!kernels) throw new Error('WebAssembly SIMD is not available');
await initBackend({ prefer: 'wasm' });
const opened = await openGpu();
if (!opened.ok) throw new Error(`no WebGPU adapter: ${opened.reason}`);
const gpu = opened.gpu;
console.log(`webgpu benchmark (node ${process.version}, ${os.cpus()[0]?.model ?? process.arch}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
console.log(`adapter: ${gpu.adapter.label}${gpu.adapter.software ? ' — a CPU emulating a GPU: these figures are not GPU speed' : ''}`);

for (const [rows, cols] of [[1280, 5120], [10240, 1280]] as const) {
  const base = encodeFloat(seeded(rows * cols, 1, 0.05), 'F16').slice();
  for (const r of ranks) {
    const patches = [{ up: seeded(rows * r, 2, 0.01), down: seeded(r * cols, 3, 0.01), rank: r, start: 0, rows }];
    const input = { base, inDtype: 'F16' as const, outDtype: 'F16' as const, rows, cols, patches };
    const wasm = await timeIt(5, () => bakeLowRank(kernels, input));
    const web = await timeIt(5, () => bakeLowRankGpuToBytes(gpu, input));
    console.log(`bake ${rows}×${cols} rank ${r}: wasm ${fmt(wasm)}, webgpu ${fmt(web)} (incl. upload and read-back)`);
  }
}
const [m, k, n] = [2048, 2048, 256];
const a = seeded(m * k, 4, 1);
const b = seeded(k * n, 5, 1);
const mm = gpuMatMul(gpu, tfjsMatMul);
console.log(`matmul ${m}×${k}·${k}×${n}: wasm ${fmt(await timeIt(3, () => tfjsMatMul.matmul(a, b, m, k, n)))}, webgpu ${fmt(await timeIt(3, () => mm.matmul(a, b, m, k, n)))}`);
// The svd combine's two Grams of an SDXL module with three rank-64 LoRAs stacked (R = 192).
for (const [out, inDim] of [[1280, 1280], [10240, 1280]] as const) {
  const R = 192;
  const up = seeded(out * R, 6, 0.02);
  const down = seeded(R * inDim, 7, 0.1);
  const wasm = await timeIt(3, async () => [gramOfColumns(up, out, R, 'wasm'), gramOfRows(down, R, inDim, 'wasm')]);
  const web = await timeIt(3, async () => {
    const a = await gpuGramOfColumns(gpu, up, out, R);
    const b = await gpuGramOfRows(gpu, down, R, inDim);
    if (!a.ok || !b.ok) throw new Error(`GPU Gram refused: ${a.ok ? '' : a.reason} ${b.ok ? '' : b.reason}`);
    return [a.gram, b.gram];
  });
  console.log(`Grams of a ${out}×${inDim} module, R = ${R}: wasm fp64 ${fmt(wasm)}, webgpu float-float ${fmt(web)} (incl. host scaling, upload and read-back)`);
}
