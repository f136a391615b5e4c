/**
 * The row-block bake on the MatMul seam (the route for tfjs-node-gpu, which cannot be installed here: run on the
 * WebAssembly tfjs backend) against the fused WebAssembly kernel: 16-bit outputs within 1 ulp, F32 within 1e-6
 * relative; several patches on slices, a conv weight, many blocks, a stop.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../../../main/engine/compute/tfjs-matmul.js';
import { CancelledError } from '../../../../main/engine/errors.js';
import { bakeLowRank, type LowRankPatch } from '../../../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { bakeLowRankMatMul, bakeLowRankMatMulToBytes } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-matmul.js';
import { KERNEL_DTYPES, lowRankBakeKernels } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import type { KernelDType } from '../../../../main/engine/ops/apply/kernels/simd-float-codecs.js';
import { encodeFloat } from '../../../../main/engine/tensor-io/float-convert.js';
import { randomValues } from '../../../helpers/safetensors.js';
import { withinUlp } from '../../../helpers/webgpu.js';

const kernels = lowRankBakeKernels()!;

function patch(rows: number, cols: number, rank: number, start: number, seed: number): LowRankPatch {
  return { up: randomValues(rows * rank, seed, 0.05), down: randomValues(rank * cols, seed + 1, 0.05), rank, start, rows };
}

async function compare(inDtype: KernelDType, outDtype: KernelDType, rows: number, cols: number, patches: readonly LowRankPatch[], blockBytes?: number): Promise<void> {
  const base = encodeFloat(randomValues(rows * cols, rows + cols, 0.1), inDtype).slice();
  const want = bakeLowRank(kernels, { base, inDtype, outDtype, rows, cols, patches });
  const got = await bakeLowRankMatMulToBytes(tfjsMatMul, { base, inDtype, outDtype, rows, cols, patches }, undefined, { blockBytes });
  withinUlp(got, want, outDtype, `${inDtype} → ${outDtype} ${rows}×${cols}`);
}

describe('bakeLowRankMatMul (row blocks on the MatMul seam)', () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });

  it('every dtype pair, odd shapes, equals the WebAssembly kernel', async () => {
    for (const inDtype of KERNEL_DTYPES) for (const outDtype of KERNEL_DTYPES) await compare(inDtype, outDtype, 45, 37, [patch(45, 37, 8, 0, 20)]);
  });

  it('several patches on slices, a conv weight as out × in·kh·kw, many small blocks', async () => {
    await compare('F16', 'F16', 30, 51, [patch(10, 51, 4, 2, 30), patch(30, 51, 3, 0, 40), patch(7, 51, 1, 12, 50)], 4096);
    await compare('BF16', 'BF16', 20, 72, [patch(20, 72, 4, 0, 60)], 2048);
  });

  it('a stop between blocks: CancelledError after the first block', async () => {
    const controller = new AbortController();
    const offsets: number[] = [];
    const base = encodeFloat(randomValues(64 * 64, 1, 0.1), 'F16');
    const run = bakeLowRankMatMul(tfjsMatMul, { base, inDtype: 'F16', outDtype: 'F16', rows: 64, cols: 64, patches: [patch(64, 64, 2, 0, 3)] }, (_, offset) => {
      offsets.push(offset);
      controller.abort();
    }, { signal: controller.signal, blockBytes: 4096 });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(offsets).toEqual([0]);
  });
});
