import type { Tensor, Tensor2D } from '@tensorflow/tfjs-core';
import { initBackend } from './backend.js';
import type { DisposableOperator } from './matmul.js';
import { loadTfjs, type Tfjs } from './tfjs-core.js';

export type { DisposableOperator } from './matmul.js';

/**
 * A dense rows×cols fp32 matrix kept on the tfjs backend for repeated products (randomized SVD makes 2q + 2
 * of them): uploading a 10240×2560 matrix once instead of on every product saves about 0.1 s each time.
 */
export function tfjsOperator(a: Float32Array, rows: number, cols: number): DisposableOperator {
  if (a.length !== rows * cols) throw new RangeError(`tfjsOperator: ${a.length} values do not fill ${rows}×${cols}`);
  let matrix: Tensor2D | undefined;
  const resident = async (): Promise<{ m: Tensor2D; tf: Tfjs }> => {
    await initBackend();
    const tf = await loadTfjs();
    matrix ??= tf.tensor2d(a, [rows, cols], 'float32');
    return { m: matrix, tf };
  };
  const read = async (t: Tensor): Promise<Float32Array> => {
    try {
      return (await t.data()) as Float32Array;
    } finally {
      t.dispose();
    }
  };
  return {
    rows,
    cols,
    async multiply(x, n) {
      const { m, tf } = await resident();
      return read(tf.tidy(() => tf.matMul(m, tf.tensor2d(x, [cols, n], 'float32'))));
    },
    async multiplyTranspose(y, n) {
      const { m, tf } = await resident();
      // (Yᵀ·A)ᵀ: only the thin operand and result are transposed (transposed matMul flags are slow on wasm).
      return read(tf.tidy(() => tf.transpose(tf.matMul(tf.transpose(tf.tensor2d(y, [rows, n], 'float32')), m))));
    },
    dispose() {
      matrix?.dispose();
      matrix = undefined;
    },
  };
}
