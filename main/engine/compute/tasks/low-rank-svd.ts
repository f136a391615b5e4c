import { lowRankSVD, type LowRankFactors, type LowRankSVDResult } from '../../linalg/low-rank-svd.js';
import { defineTask } from '../task.js';

export interface LowRankSVDPayload extends LowRankFactors {
  k: number;
  module?: string;
}

/** The compress primitive on a worker: Grams and core in fp64 here, the two big products on its tfjs backend. */
export const lowRankSVDTask = defineTask<LowRankSVDPayload, LowRankSVDResult>(async (p, ctx) => {
  const result = await lowRankSVD(p, p.k, ctx.matmul, { signal: ctx.signal, module: p.module });
  const transfer = [result.U.buffer, result.S.buffer, result.V.buffer, result.singularValues.buffer] as ArrayBuffer[];
  return { result, transfer: [...new Set(transfer)] };
});
