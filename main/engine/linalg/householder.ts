/**
 * Householder reflectors H = I − τ·v·vᵀ with v[0] = 1, the building block of QR, bidiagonalisation and
 * tridiagonalisation. x is read from `get(i)`, i = 0..len-1.
 */
export interface Reflector {
  /** v[1..len-1] (v[0] = 1 implicitly); v.length = len. */
  v: Float64Array;
  tau: number;
  /** H·x = beta·e₁. */
  beta: number;
}

export function makeReflector(len: number, get: (i: number) => number): Reflector {
  const v = new Float64Array(len);
  for (let i = 0; i < len; i++) v[i] = get(i);
  const norm = norm2(v);
  const x0 = len > 0 ? v[0]! : 0;
  if (norm === 0 || (len === 1 && x0 >= 0)) {
    v.fill(0);
    v[0] = 1;
    return { v, tau: 0, beta: x0 };
  }
  const beta = x0 > 0 ? -norm : norm;
  const v0 = x0 - beta;
  if (v0 === 0) {
    v.fill(0);
    v[0] = 1;
    return { v, tau: 0, beta: x0 };
  }
  v[0] = 1;
  for (let i = 1; i < len; i++) v[i]! /= v0;
  return { v, tau: -v0 / beta, beta };
}

/** Euclidean norm without overflow or underflow (scaled by the largest magnitude). */
export function norm2(x: Float64Array): number {
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > scale) scale = a;
  }
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const t = x[i]! / scale;
    s += t * t;
  }
  return scale * Math.sqrt(s);
}

/**
 * Applies H from the left to rows r0..r0+len-1, columns c0..c1-1 of a row-major matrix (stride cols).
 * Row-oriented so the inner loops run over contiguous memory.
 */
export function reflectRows(h: Reflector, a: Float64Array, cols: number, r0: number, c0: number, c1: number, w: Float64Array): void {
  if (h.tau === 0 || c1 <= c0) return;
  const len = h.v.length;
  const width = c1 - c0;
  w.fill(0, 0, width);
  for (let i = 0; i < len; i++) {
    const vi = h.v[i]!;
    if (vi === 0) continue;
    const row = (r0 + i) * cols + c0;
    for (let j = 0; j < width; j++) w[j] += vi * a[row + j]!;
  }
  for (let i = 0; i < len; i++) {
    const f = h.tau * h.v[i]!;
    if (f === 0) continue;
    const row = (r0 + i) * cols + c0;
    for (let j = 0; j < width; j++) a[row + j] -= f * w[j]!;
  }
}

/** Applies H from the right to columns c0..c0+len-1 of rows r0..r1-1 (row-major, stride cols). */
export function reflectColumns(h: Reflector, a: Float64Array, cols: number, c0: number, r0: number, r1: number): void {
  if (h.tau === 0) return;
  const len = h.v.length;
  const v = h.v;
  for (let r = r0; r < r1; r++) {
    const row = r * cols + c0;
    let s = 0;
    for (let j = 0; j < len; j++) s += a[row + j]! * v[j]!;
    s *= h.tau;
    if (s === 0) continue;
    for (let j = 0; j < len; j++) a[row + j] -= s * v[j]!;
  }
}
