import { defineTask } from '../task.js';

export interface MatMulPayload {
  a: Float32Array;
  b: Float32Array;
  m: number;
  k: number;
  n: number;
  transposeA?: boolean;
  transposeB?: boolean;
}

/** C = A·B on the worker's backend (the MatMul seam's contract). */
export const matmulTask = defineTask<MatMulPayload, Float32Array>(async (p, ctx) => {
  const c = await ctx.matmul.matmul(p.a, p.b, p.m, p.k, p.n, { transposeA: p.transposeA, transposeB: p.transposeB });
  return { result: c, transfer: [c.buffer as ArrayBuffer] };
});
