import { EngineError } from '../errors.js';
import { initBackend } from './backend.js';
import type { MatMul } from './matmul.js';
import { loadTfjs } from './tfjs-core.js';

/** The MatMul seam on the active tfjs backend (initialised on first use). Every tensor is disposed. */
export const tfjsMatMul: MatMul = {
  async matmul(a, b, m, k, n, opts = {}) {
    checkMatMulShapes(a, b, m, k, n);
    if (m * n === 0) return new Float32Array(0);
    if (k === 0) return new Float32Array(m * n);
    await initBackend();
    const tf = await loadTfjs();
    const ta = opts.transposeA ?? false;
    const tb = opts.transposeB ?? false;
    // An explicit transpose, not matMul's transpose flags: the wasm backend's transposed path is 10–70× slower.
    const c = tf.tidy(() => {
      const at = tf.tensor2d(a, ta ? [k, m] : [m, k], 'float32');
      const bt = tf.tensor2d(b, tb ? [n, k] : [k, n], 'float32');
      return tf.matMul(ta ? tf.transpose(at) : at, tb ? tf.transpose(bt) : bt);
    });
    try {
      return (await c.data()) as Float32Array;
    } finally {
      c.dispose();
    }
  },
};

export function checkMatMulShapes(a: Float32Array, b: Float32Array, m: number, k: number, n: number): void {
  for (const [label, v] of [['m', m], ['k', k], ['n', n]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new EngineError('bad-shape', `matmul: ${label} = ${v} is not a size.`);
  }
  if (a.length !== m * k || b.length !== k * n) {
    throw new EngineError('bad-shape', `matmul: operands of ${a.length} and ${b.length} values do not fit ${m}×${k} · ${k}×${n}.`, {
      hint: 'This is a bug in the caller: the factor shapes disagree.',
    });
  }
}
