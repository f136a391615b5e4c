/**
 * Test matrices with known structure, built independently of the library under test: orthonormal factors
 * are products of explicit Householder reflections I − 2·u·uᵀ/‖u‖².
 */
import type { Matrix } from '../../../main/engine/linalg/matrix.js';
import { seededRandom } from '../../helpers/safetensors.js';

export function gaussian(seed: number): () => number {
  const rnd = seededRandom(seed);
  return () => {
    const u = Math.max(rnd(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
}

export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const g = gaussian(seed);
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, g) };
}

/** m×r with orthonormal columns: the first r columns of a product of `reflections` random reflections. */
export function randomOrthonormal(m: number, r: number, seed: number, reflections = 6): Matrix {
  const g = gaussian(seed);
  const q = new Float64Array(m * r);
  for (let i = 0; i < Math.min(m, r); i++) q[i * r + i] = 1;
  for (let t = 0; t < reflections; t++) {
    const u = Float64Array.from({ length: m }, g);
    let uu = 0;
    for (const x of u) uu += x * x;
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += u[i]! * q[i * r + j]!;
      const f = (2 * s) / uu;
      for (let i = 0; i < m; i++) q[i * r + j] -= f * u[i]!;
    }
  }
  return { rows: m, cols: r, data: q };
}

/** A = U·diag(s)·Vᵀ (m×n) with U, V random orthonormal; s may hold zeros (rank-deficient). */
export function withSingularValues(m: number, n: number, s: readonly number[], seed: number): Matrix {
  const k = s.length;
  const u = randomOrthonormal(m, k, seed);
  const v = randomOrthonormal(n, k, seed + 1);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let x = 0;
      for (let t = 0; t < k; t++) x += u.data[i * k + t]! * s[t]! * v.data[j * k + t]!;
      a[i * n + j] = x;
    }
  }
  return { rows: m, cols: n, data: a };
}

/** A = Q·diag(λ)·Qᵀ (n×n symmetric). */
export function withEigenvalues(values: readonly number[], seed: number): Matrix {
  const n = values.length;
  const q = randomOrthonormal(n, n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let x = 0;
      for (let t = 0; t < n; t++) x += q.data[i * n + t]! * values[t]! * q.data[j * n + t]!;
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return { rows: n, cols: n, data: a };
}

/** max |X − Y| / max(|Y|) over two same-shaped arrays. */
export function relDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < y.length; i++) {
    scale = Math.max(scale, Math.abs(y[i]!));
    err = Math.max(err, Math.abs(x[i]! - y[i]!));
  }
  return scale === 0 ? err : err / scale;
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

/** U·diag(s)·Vᵀ, straight from the definition. */
export function reconstruct(u: Matrix, s: ArrayLike<number>, v: Matrix): Float64Array {
  const out = new Float64Array(u.rows * v.rows);
  const k = s.length;
  for (let i = 0; i < u.rows; i++) {
    for (let j = 0; j < v.rows; j++) {
      let x = 0;
      for (let t = 0; t < k; t++) x += u.data[i * u.cols + t]! * s[t]! * v.data[j * v.cols + t]!;
      out[i * v.rows + j] = x;
    }
  }
  return out;
}
