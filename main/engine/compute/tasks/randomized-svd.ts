import { randomizedSVD, type RandomizedSVDOptions, type RandomizedSVDResult } from '../../linalg/randomized-svd.js';
import { defineTask } from '../task.js';
import { backendOperator } from '../backend-matmul.js';

export interface RandomizedSVDPayload extends Omit<RandomizedSVDOptions, 'signal'> {
  /** rows×cols, row-major (transfer its buffer). */
  data: Float32Array;
  rows: number;
  cols: number;
  k: number;
}

/** Randomized SVD of a dense matrix on a worker, the matrix kept on the worker's backend for all products. */
export const randomizedSVDTask = defineTask<RandomizedSVDPayload, RandomizedSVDResult>(async (p, ctx) => {
  const op = backendOperator(p.data, p.rows, p.cols, ctx.signal);
  try {
    const result = await randomizedSVD(op, p.k, ctx.matmul, { oversample: p.oversample, powerIterations: p.powerIterations, seed: p.seed, signal: ctx.signal });
    result.frobeniusSquared = sumOfSquares(p.data);
    const transfer = [result.U.buffer, result.S.buffer, result.V.buffer, result.sketchSingularValues.buffer] as ArrayBuffer[];
    return { result, transfer: [...new Set(transfer)] };
  } finally {
    op.dispose();
  }
});

function sumOfSquares(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return s;
}
