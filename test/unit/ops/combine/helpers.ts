/**
 * Test helpers for combining: random low-rank modules and independent dense references (fp64 loops written
 * from the formulas; the reference SVD is linalg's Golub–Kahan svd, a different algorithm from the Gram-based
 * lowRankSVD under test).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LowRankFactors } from '../../../../main/engine/adapters/types.js';
import { svd } from '../../../../main/engine/linalg/svd.js';
import { randomValues } from '../../../helpers/safetensors.js';

export const tmpDir = (label: string): string => mkdtempSync(path.join(tmpdir(), `ls-combine-${label}-`));

let seed = 7000;

export function randomFactors(out: number, rank: number, inFlat: number, scale = 1): LowRankFactors {
  return { up: randomValues(out * rank, seed++, scale), down: randomValues(rank * inFlat, seed++, scale), rank, out, inFlat };
}

/** a [m, k] · b [k, n] in float64. */
export function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) {
    const av = a[i * k + p]!;
    for (let j = 0; j < n; j++) c[i * n + j]! += av * b[p * n + j]!;
  }
  return c;
}

/** scale·up·down in float64. */
export function delta64(f: LowRankFactors, scale = 1): Float64Array {
  return matmul64(f.up, f.down, f.out, f.rank, f.inFlat).map((v) => v * scale);
}

/** Σ c_i·x_i, each x_i placed at `rowStart` rows of an out×inFlat matrix. */
export function weightedSum(parts: readonly { x: ArrayLike<number>; c: number; rowStart?: number }[], size: number, inFlat: number): Float64Array {
  const s = new Float64Array(size);
  for (const { x, c, rowStart } of parts) {
    const base = (rowStart ?? 0) * inFlat;
    for (let j = 0; j < x.length; j++) s[base + j]! += c * x[j]!;
  }
  return s;
}

export function singularValues64(a: Float64Array, rows: number, cols: number): Float64Array {
  return svd({ rows, cols, data: a }, { vectors: false }).S;
}

/** The best rank-k approximation of a (dense SVD, truncated): what the anchors compute. */
export function truncated64(a: Float64Array, rows: number, cols: number, k: number): Float64Array {
  const r = svd({ rows, cols, data: a });
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < k; j++) {
    const s = r.S[j]!;
    for (let i = 0; i < rows; i++) {
      const u = r.U!.data[i * r.U!.cols + j]! * s;
      for (let c = 0; c < cols; c++) out[i * cols + c]! += u * r.V!.data[c * r.V!.cols + j]!;
    }
  }
  return out;
}

/** max |a − b| / max |b|. */
export function relativeMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let ref = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    ref = Math.max(ref, Math.abs(b[i]!));
  }
  return ref === 0 ? err : err / ref;
}

export function frobenius(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
