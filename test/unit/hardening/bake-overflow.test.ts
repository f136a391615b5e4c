/**
 * base + strength·ΔW beyond the output dtype's range (fp16: 65504) is refused at bake time, naming the tensor and
 * where, before the block reaches its sink; on the fused kernel and on the JS path alike. Inf already in the base
 * passes, and so does the same bake to F32 or at a strength that stays in range.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../main/engine/compute/backend.js';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { EngineError } from '../../../main/engine/errors.js';
import { bakeTensor, bakeTensorTo } from '../../../main/engine/ops/apply/bake-tensor.js';
import type { DeltaPatch, TensorJob } from '../../../main/engine/ops/apply/patch-spec.js';
import type { DType } from '../../../main/engine/tensor-io/dtypes.js';
import { decodeFloat } from '../../../main/engine/tensor-io/float-convert.js';
import { openCheckpoint } from '../../../main/engine/tensor-io/open-checkpoint.js';
import type { TensorSource } from '../../../main/engine/tensor-io/tensor-source.js';
import { writeSafetensors } from '../../helpers/safetensors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-bake-overflow-'));
let base: TensorSource;
const ROWS = 4;
const COLS = 8;

beforeAll(async () => {
  await initBackend();
  const values = (big: number): Float32Array => {
    const v = new Float32Array(ROWS * COLS).fill(0.1);
    v[1 * COLS + 3] = big;
    v[2 * COLS + 0] = Number.POSITIVE_INFINITY;
    return v;
  };
  const file = path.join(dir, 'base.safetensors');
  writeSafetensors(file, [
    { name: 'half', shape: [ROWS, COLS], data: values(60000), dtype: 'F16' },
    { name: 'single', shape: [ROWS, COLS], data: values(3e38), dtype: 'F32' },
  ]);
  base = await openCheckpoint(file);
});

afterAll(async () => {
  await base.close();
});

/** ΔW is `add` at row 1, column 3 and 0 elsewhere (rank 1). */
function job(name: string, outDtype: DType, add: number, coefficient = 1): TensorJob {
  const up = new Float32Array(ROWS);
  up[1] = 1;
  const down = new Float32Array(COLS);
  down[3] = add;
  const patch: DeltaPatch = {
    type: 'delta', module: 'lora_unet_proj_in', source: { type: 'factors', factors: { up, down, rank: 1, out: ROWS, inFlat: COLS }, scale: 1 },
    deltaShape: [ROWS, COLS], coefficient, transpose: false, dora: false,
  };
  return { entry: base.get(name)!, outDtype, patches: [patch] };
}

async function withPath<T>(kernel: boolean, run: () => Promise<T>): Promise<T> {
  if (!kernel) process.env.LORA_STUDIO_BAKE_KERNEL = 'js';
  try {
    return await run();
  } finally {
    delete process.env.LORA_STUDIO_BAKE_KERNEL;
  }
}

async function refusal(p: Promise<unknown>): Promise<EngineError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e, 'expected a refusal').toBeInstanceOf(EngineError);
  return e as EngineError;
}

describe('bake: overflow of the output dtype', () => {
  for (const kernel of [true, false]) {
    const label = kernel ? 'fused kernel' : 'JS path';
    it(`${label}: 60000 + 10000 in F16 is refused, naming tensor, place and module; nothing reaches the sink`, async () => {
      const e = await refusal(withPath(kernel, () => bakeTensor(job('half', 'F16', 1e4), referenceMatMul)));
      expect(e.code).toBe('output-overflow');
      expect(e.tensor).toBe('half');
      expect(e.message).toContain('"half"');
      expect(e.message).toContain('row 1, column 3');
      expect(e.message).toContain('F16');
      expect(e.hint).toContain('lora_unet_proj_in');
      const blocks: number[] = [];
      const streamed = await refusal(withPath(kernel, () => bakeTensorTo(job('half', 'F16', 1e4), referenceMatMul, (_b, offset) => blocks.push(offset))));
      expect(streamed.code).toBe('output-overflow');
      expect(blocks).toEqual([]);
    });

    it(`${label}: BF16 output of an F32 sum that overflows fp32 is refused`, async () => {
      const e = await refusal(withPath(kernel, () => bakeTensor(job('single', 'BF16', 3e38), referenceMatMul)));
      expect(e.code).toBe('output-overflow');
      expect(e.message).toContain('row 1, column 3');
    });

    it(`${label}: in range (strength 0.5, or F32 output) it bakes, and the base's own Inf stays`, async () => {
      const half = decodeFloat(await withPath(kernel, () => bakeTensor(job('half', 'F16', 1e4, 0.5), referenceMatMul)), 'F16');
      expect(half[1 * COLS + 3]).toBe(64992); // 65000 rounded to fp16 (spacing 32 there)
      expect(half[2 * COLS]).toBe(Number.POSITIVE_INFINITY);
      const single = decodeFloat(await withPath(kernel, () => bakeTensor(job('half', 'F32', 1e4), referenceMatMul)), 'F32');
      expect(single[1 * COLS + 3]).toBe(70000);
    });
  }
});
