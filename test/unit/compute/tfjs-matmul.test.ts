import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../main/engine/compute/backend.js';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { tfjsMatMul } from '../../../main/engine/compute/tfjs-matmul.js';
import { tfjsOperator } from '../../../main/engine/compute/tfjs-operator.js';
import { EngineError } from '../../../main/engine/errors.js';
import { randomValues } from '../../helpers/safetensors.js';

/** C = op(A)·op(B) in fp64, straight from the definition (independent of both implementations). */
function dense(a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i]! : a[i * k + p]!) * (tb ? b[j * k + p]! : b[p * n + j]!);
      c[i * n + j] = s;
    }
  }
  return c;
}

function maxRelErr(got: Float32Array, want: Float64Array): number {
  let scale = 0;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  return err / scale;
}

describe('tfjsMatMul', () => {
  beforeAll(async () => {
    expect((await initBackend()).name).toBe('wasm');
  });

  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`matches the definition on 37×53 · 53×29 (transposeA=${ta}, transposeB=${tb})`, async () => {
      const [m, k, n] = [37, 53, 29];
      const a = randomValues(m * k, 1 + Number(ta));
      const b = randomValues(k * n, 7 + Number(tb));
      const want = dense(a, b, m, k, n, ta, tb);
      const got = await tfjsMatMul.matmul(a, b, m, k, n, { transposeA: ta, transposeB: tb });
      expect(got).toBeInstanceOf(Float32Array);
      expect(got.length).toBe(m * n);
      expect(maxRelErr(got, want)).toBeLessThan(1e-6);
      const ref = await referenceMatMul.matmul(a, b, m, k, n, { transposeA: ta, transposeB: tb });
      expect(maxRelErr(ref, want)).toBeLessThan(1e-6);
    });
  }

  it('leaves no tensor behind and hands out a result nothing else aliases', async () => {
    const a = randomValues(64 * 64, 3);
    const before = tf.memory().numTensors;
    const c1 = await tfjsMatMul.matmul(a, a, 64, 64, 64);
    const snapshot = Float32Array.from(c1);
    await tfjsMatMul.matmul(randomValues(64 * 64, 4), a, 64, 64, 64);
    expect(tf.memory().numTensors).toBe(before);
    expect(c1).toEqual(snapshot);
  });

  it('handles empty and zero-depth products', async () => {
    expect(await tfjsMatMul.matmul(new Float32Array(0), new Float32Array(0), 0, 3, 0)).toEqual(new Float32Array(0));
    expect(await tfjsMatMul.matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3)).toEqual(new Float32Array(6));
  });

  it('refuses operands that do not fit the shape', async () => {
    const err = await tfjsMatMul.matmul(new Float32Array(6), new Float32Array(6), 2, 3, 3).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('bad-shape');
    expect((err as EngineError).message).toContain('2×3 · 3×3');
  });
});

describe('tfjsOperator', () => {
  it('multiplies by A and Aᵀ like the definition, and frees the matrix on dispose', async () => {
    const [rows, cols, n] = [23, 17, 5];
    const a = randomValues(rows * cols, 31);
    const x = randomValues(cols * n, 32);
    const y = randomValues(rows * n, 33);
    const before = tf.memory().numTensors;
    const op = tfjsOperator(a, rows, cols);
    const ax = await op.multiply(x, n);
    const aty = await op.multiplyTranspose(y, n);
    expect(maxRelErr(ax, dense(a, x, rows, cols, n, false, false))).toBeLessThan(1e-6);
    expect(maxRelErr(aty, dense(a, y, cols, rows, n, true, false))).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before + 1);
    op.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
