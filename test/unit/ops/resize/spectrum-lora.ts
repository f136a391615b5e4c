/** LoRA factors with a chosen spectrum: up = U·diag(σ), down = Vᵀ with orthonormal U, V (Gram–Schmidt in fp64). */
import type { LowRankFactors } from '../../../../main/engine/adapters/types.js';
import { randomValues } from '../../../helpers/safetensors.js';

export function orthonormalColumns(rows: number, cols: number, seed: number): Float64Array {
  const a = Float64Array.from(randomValues(rows * cols, seed));
  for (let j = 0; j < cols; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += a[i * cols + j]! * a[i * cols + k]!;
        for (let i = 0; i < rows; i++) a[i * cols + j]! -= d * a[i * cols + k]!;
      }
    }
    let n = 0;
    for (let i = 0; i < rows; i++) n += a[i * cols + j]! ** 2;
    n = Math.sqrt(n);
    for (let i = 0; i < rows; i++) a[i * cols + j]! /= n;
  }
  return a;
}

export function spectrumFactors(out: number, inFlat: number, sigma: readonly number[], seed: number): LowRankFactors {
  const r = sigma.length;
  const u = orthonormalColumns(out, r, seed);
  const v = orthonormalColumns(inFlat, r, seed + 1000);
  const up = new Float32Array(out * r);
  const down = new Float32Array(r * inFlat);
  for (let i = 0; i < out; i++) for (let j = 0; j < r; j++) up[i * r + j] = u[i * r + j]! * sigma[j]!;
  for (let j = 0; j < r; j++) for (let c = 0; c < inFlat; c++) down[j * inFlat + c] = v[c * r + j]!;
  return { up, down, rank: r, out, inFlat };
}
