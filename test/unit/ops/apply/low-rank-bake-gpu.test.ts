/**
 * The fused low-rank bake on WebGPU (llvmpipe on CI) against the WebAssembly kernel, which is bit-identical to
 * the JS path (low-rank-bake.test.ts): fp16/bf16 outputs within 1 ulp, F32 within 1e-6 relative; odd shapes,
 * several patches on slices, rows no patch covers, several row blocks; a stop between blocks.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../../../main/engine/compute/webgpu/gpu-device.js';
import { CancelledError } from '../../../../main/engine/errors.js';
import { bakeLowRank, type LowRankPatch } from '../../../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { bakeLowRankGpu, bakeLowRankGpuToBytes } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-gpu.js';
import { KERNEL_DTYPES, lowRankBakeKernels } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import type { KernelDType } from '../../../../main/engine/ops/apply/kernels/simd-float-codecs.js';
import { encodeFloat } from '../../../../main/engine/tensor-io/float-convert.js';
import { randomValues } from '../../../helpers/safetensors.js';
import { testGpu, withinUlp } from '../../../helpers/webgpu.js';

const kernels = lowRankBakeKernels()!;
const found = await testGpu();
const gpu = found.gpu as GpuContext;

function patch(rows: number, cols: number, rank: number, start: number, seed: number, scale = 0.05): LowRankPatch {
  return { up: randomValues(rows * rank, seed, scale), down: randomValues(rank * cols, seed + 1, scale), rank, start, rows };
}

async function compare(inDtype: KernelDType, outDtype: KernelDType, rows: number, cols: number, patches: readonly LowRankPatch[], seed: number, blockBytes?: number): Promise<{ maxUlp: number; differing: number }> {
  const base = encodeFloat(randomValues(rows * cols, seed, 0.1), inDtype).slice();
  const want = bakeLowRank(kernels, { base, inDtype, outDtype, rows, cols, patches });
  const got = await bakeLowRankGpuToBytes(gpu, { base, inDtype, outDtype, rows, cols, patches }, undefined, { blockBytes });
  return withinUlp(got, want, outDtype, `${inDtype} → ${outDtype} ${rows}×${cols}`);
}

describe.skipIf(!found.gpu)(`bakeLowRankGpu (WebGPU on ${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  beforeAll(() => {
    expect(kernels).not.toBeNull();
  });

  for (const inDtype of KERNEL_DTYPES) {
    for (const outDtype of KERNEL_DTYPES) {
      it(`${inDtype} → ${outDtype}: equals the WebAssembly kernel (1 ulp / 1e-6)`, async () => {
        const rows = 45;
        const cols = 37; // odd: 16-bit output words straddle rows; not a multiple of the workgroup
        const r = await compare(inDtype, outDtype, rows, cols, [patch(rows, cols, 8, 0, 20)], 11);
        // Most elements are bit-identical; a contracted multiply-add may move a few by one ulp.
        expect(r.differing).toBeLessThan(0.05 * rows * cols);
      });
    }
  }

  it('several patches on overlapping slices, rows no patch covers copied or cast exactly', async () => {
    const rows = 30;
    const cols = 51;
    const patches = [patch(10, cols, 4, 2, 30), patch(rows, cols, 3, 0, 40), patch(7, cols, 1, 12, 50), patch(9, cols, 16, 19, 60)];
    for (const outDtype of KERNEL_DTYPES) await compare('F16', outDtype, rows, cols, patches, 5);
    const sliceOnly = [patch(5, cols, 2, 20, 70)];
    const base = encodeFloat(randomValues(rows * cols, 6, 0.1), 'BF16').slice();
    for (const outDtype of KERNEL_DTYPES) {
      const got = await bakeLowRankGpuToBytes(gpu, { base, inDtype: 'BF16', outDtype, rows, cols, patches: sliceOnly });
      const want = bakeLowRank(kernels, { base, inDtype: 'BF16', outDtype, rows, cols, patches: sliceOnly });
      const size = outDtype === 'F32' ? 4 : 2;
      // Uncovered rows are exact (copied or cast on the CPU), the slice within 1 ulp.
      expect(Buffer.compare(Buffer.from(got.subarray(0, 20 * cols * size)), Buffer.from(want.subarray(0, 20 * cols * size)))).toBe(0);
      expect(Buffer.compare(Buffer.from(got.subarray(25 * cols * size)), Buffer.from(want.subarray(25 * cols * size)))).toBe(0);
      withinUlp(got, want, outDtype, `slice → ${outDtype}`);
    }
  });

  it('odd sizes: one row, one column, rank 1, sizes around the 256-invocation workgroup', async () => {
    for (const [rows, cols, rank] of [[1, 1, 1], [1, 3, 1], [3, 1, 2], [1, 511, 3], [1, 513, 2], [2, 257, 1], [7, 15, 5], [600, 4, 2]] as const) {
      for (const outDtype of KERNEL_DTYPES) await compare('F16', outDtype, rows, cols, [patch(rows, cols, rank, 0, rank * 7)], rows + cols);
    }
  });

  it('a conv weight [out, in, kh, kw] baked as out × (in·kh·kw) rows', async () => {
    const [out, inC, kh, kw] = [20, 9, 3, 3];
    await compare('F16', 'F16', out, inC * kh * kw, [patch(out, inC * kh * kw, 4, 0, 81)], 82);
  });

  it('spans many GPU blocks (large rank and width, 64 KiB blocks, a ragged last block): the same output', async () => {
    const rows = 203;
    const cols = 1283;
    for (const outDtype of KERNEL_DTYPES) await compare('F16', outDtype, rows, cols, [patch(rows, cols, 96, 0, 90, 0.02), patch(100, cols, 64, 50, 91, 0.02)], 9, 64 * 1024);
  });

  it('a stop between blocks: CancelledError, and the sink received only whole earlier blocks', async () => {
    const rows = 4096;
    const cols = 2048; // 8 Mi elements of F32 in and out: more than one 32 MiB block
    const base = encodeFloat(randomValues(rows * cols, 3, 0.1), 'F32');
    const controller = new AbortController();
    const received: number[] = [];
    const run = bakeLowRankGpu(
      gpu,
      { base, inDtype: 'F32', outDtype: 'F32', rows, cols, patches: [patch(rows, cols, 2, 0, 4)] },
      (bytes, offset) => {
        received.push(offset);
        controller.abort();
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(received).toEqual([0]);
  });
});
