/** LoRA-like factor stacks for the compress tests: up·down as the product of hstack(up_i) and vstack(w_i·down_i). */
import type { LowRankFactors } from '../../../main/engine/linalg/low-rank-svd.js';
import type { Matrix } from '../../../main/engine/linalg/matrix.js';
import { gaussian } from './fixtures.js';

export interface Lora {
  up: Float32Array;
  down: Float32Array;
  rank: number;
}

/** A trained-looking LoRA: up columns decay like exp(−j/decay), small up, larger down (as trained files are). */
export function randomLora(rows: number, cols: number, rank: number, seed: number, decay = Infinity): Lora {
  const g = gaussian(seed);
  const up = new Float32Array(rows * rank);
  const down = new Float32Array(rank * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < rank; j++) up[i * rank + j] = g() * 1e-2 * Math.exp(-j / decay);
  for (let i = 0; i < rank * cols; i++) down[i] = g() * 0.05;
  return { up, down, rank };
}

export function stackLoras(rows: number, cols: number, loras: readonly Lora[], weights: readonly number[]): LowRankFactors {
  const rank = loras.reduce((s, l) => s + l.rank, 0);
  const up = new Float32Array(rows * rank);
  const down = new Float32Array(rank * cols);
  let offset = 0;
  loras.forEach((l, t) => {
    for (let i = 0; i < rows; i++) for (let j = 0; j < l.rank; j++) up[i * rank + offset + j] = l.up[i * l.rank + j]!;
    for (let j = 0; j < l.rank; j++) for (let c = 0; c < cols; c++) down[(offset + j) * cols + c] = Math.fround(weights[t]! * l.down[j * cols + c]!);
    offset += l.rank;
  });
  return { up, down, rows, rank, cols };
}

/** up·down in fp64 from the fp32 factors (the dense reference the anchors would decompose). */
export function denseProduct(f: LowRankFactors): Matrix {
  const out = new Float64Array(f.rows * f.cols);
  for (let i = 0; i < f.rows; i++) {
    for (let l = 0; l < f.rank; l++) {
      const a = f.up[i * f.rank + l]!;
      if (a === 0) continue;
      for (let c = 0; c < f.cols; c++) out[i * f.cols + c] += a * f.down[l * f.cols + c]!;
    }
  }
  return { rows: f.rows, cols: f.cols, data: out };
}
