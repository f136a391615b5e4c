import { EngineError } from '../errors.js';
import { hypot } from './hypot.js';
import { norm2 } from './householder.js';

const EPS = Number.EPSILON;

/**
 * Implicit QL with Wilkinson shifts on a symmetric tridiagonal matrix (d: diagonal, e[i] = T[i][i+1]).
 * On return d holds the eigenvalues (unsorted) and e is destroyed. With zt (row-major n×n), the same plane
 * rotations are applied to its rows, so zt = Qᵀ on entry gives the eigenvectors of Q·T·Qᵀ in its rows.
 */
export function implicitQL(d: Float64Array, e: Float64Array, zt?: Float64Array): void {
  const n = d.length;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= EPS * dd) break;
      }
      if (m === l) break;
      if (++iterations > 60) throw new EngineError('eigen-no-convergence', `Symmetric eigensolver: no convergence at eigenvalue ${l} of ${n}.`, { hint: 'The input holds NaN or Inf values, or is far outside the floating-point range.' });
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt) {
          const ri = i * n;
          const rf = ri + n;
          for (let k = 0; k < n; k++) {
            const zf = zt[rf + k]!;
            const zi = zt[ri + k]!;
            zt[rf + k] = s * zi + c * zf;
            zt[ri + k] = c * zi - s * zf;
          }
        }
      }
      if (underflow) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** Index ranges [start, end) of the unreduced diagonal blocks of T (where an off-diagonal is negligible, T splits). */
export function unreducedBlocks(d: Float64Array, e: Float64Array): Array<[number, number]> {
  const n = d.length;
  const blocks: Array<[number, number]> = [];
  let start = 0;
  for (let i = 0; i < n - 1; i++) {
    if (Math.abs(e[i]!) <= EPS * (Math.abs(d[i]!) + Math.abs(d[i + 1]!))) {
      blocks.push([start, i + 1]);
      start = i + 1;
    }
  }
  if (n > 0) blocks.push([start, n]);
  return blocks;
}

/**
 * Eigenvectors of the unreduced tridiagonal block [b0, b1) for the given eigenvalues (descending, all of
 * this block) by inverse iteration; vectors of eigenvalues closer than 1e-3·‖T‖ are reorthogonalised
 * against each other (as LAPACK's dstein does). Returns vectors of length n, zero outside the block.
 */
export function inverseIteration(d: Float64Array, e: Float64Array, b0: number, b1: number, values: readonly number[], n: number): Float64Array[] {
  const m = b1 - b0;
  let norm = 0;
  for (let i = b0; i < b1; i++) norm = Math.max(norm, Math.abs(d[i]!) + (i > b0 ? Math.abs(e[i - 1]!) : 0) + (i < b1 - 1 ? Math.abs(e[i]!) : 0));
  if (norm === 0) {
    // A zero block (a zero ΔW: alpha 0, or an untrained LoRA with up = 0): every vector is an eigenvector of
    // eigenvalue 0, and inverse iteration would divide by a zero pivot. The unit vectors are an orthonormal basis.
    return values.map((_, k) => {
      const full = new Float64Array(n);
      full[b0 + (k % m)] = 1;
      return full;
    });
  }
  const tiny = Math.max(EPS * norm, Number.MIN_VALUE);
  const separation = 10 * EPS * norm;
  const clusterGap = 1e-3 * norm;
  const out: Float64Array[] = [];
  const lu = new TridiagonalLU(m);
  let cluster: Float64Array[] = [];
  let previous = Number.POSITIVE_INFINITY;
  let shifted = Number.POSITIVE_INFINITY;
  let seed = 0x9e3779b9 ^ (b0 * 2654435761);
  for (const value of values) {
    if (previous - value > clusterGap) cluster = [];
    previous = value;
    // Equal eigenvalues would give equal vectors: separate the shifts, reorthogonalisation does the rest.
    let lambda = value;
    if (shifted - lambda < separation) lambda = shifted - separation;
    shifted = lambda;
    lu.factor(d, e, b0, lambda, tiny);
    const x = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      x[i] = seed / 4294967296 - 0.5;
    }
    for (let iteration = 0; iteration < 3; iteration++) {
      lu.solve(x);
      // Orthogonalise against the cluster each time, twice on the last pass ("twice is enough").
      for (let pass = iteration === 2 ? 0 : 1; pass < 2; pass++) for (const u of cluster) subtractProjection(x, u);
      const len = norm2(x);
      if (len === 0 || !Number.isFinite(len)) throw new EngineError('eigen-no-convergence', 'Inverse iteration broke down.', { hint: 'The input holds NaN or Inf values.' });
      for (let i = 0; i < m; i++) x[i]! /= len;
    }
    cluster.push(x);
    const full = new Float64Array(n);
    full.set(x, b0);
    out.push(full);
  }
  return out;
}

function subtractProjection(x: Float64Array, u: Float64Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * u[i]!;
  for (let i = 0; i < x.length; i++) x[i] -= s * u[i]!;
}

/** LU with partial pivoting of a tridiagonal T − λI (the scheme of LAPACK's dgttrf/dgttrs). */
class TridiagonalLU {
  private readonly dl: Float64Array;
  private readonly dd: Float64Array;
  private readonly du: Float64Array;
  private readonly du2: Float64Array;
  private readonly swapped: Uint8Array;

  constructor(private readonly m: number) {
    this.dl = new Float64Array(m);
    this.dd = new Float64Array(m);
    this.du = new Float64Array(m);
    this.du2 = new Float64Array(m);
    this.swapped = new Uint8Array(m);
  }

  factor(d: Float64Array, e: Float64Array, b0: number, lambda: number, tiny: number): void {
    const { m, dl, dd, du, du2, swapped } = this;
    for (let i = 0; i < m; i++) {
      dd[i] = d[b0 + i]! - lambda;
      dl[i] = i < m - 1 ? e[b0 + i]! : 0;
      du[i] = dl[i]!;
      du2[i] = 0;
      swapped[i] = 0;
    }
    for (let i = 0; i < m - 1; i++) {
      if (Math.abs(dd[i]!) >= Math.abs(dl[i]!)) {
        if (dd[i] === 0) dd[i] = tiny;
        const fact = dl[i]! / dd[i]!;
        dl[i] = fact;
        dd[i + 1] -= fact * du[i]!;
      } else {
        const fact = dd[i]! / dl[i]!;
        dd[i] = dl[i]!;
        dl[i] = fact;
        const temp = du[i]!;
        du[i] = dd[i + 1]!;
        dd[i + 1] = temp - fact * dd[i + 1]!;
        if (i < m - 2) {
          du2[i] = du[i + 1]!;
          du[i + 1] = -fact * du[i + 1]!;
        }
        swapped[i] = 1;
      }
    }
    for (let i = 0; i < m; i++) if (Math.abs(dd[i]!) < tiny) dd[i] = dd[i]! < 0 ? -tiny : tiny;
  }

  solve(b: Float64Array): void {
    const { m, dl, dd, du, du2, swapped } = this;
    for (let i = 0; i < m - 1; i++) {
      if (swapped[i]) {
        const temp = b[i]!;
        b[i] = b[i + 1]!;
        b[i + 1] = temp - dl[i]! * b[i]!;
      } else b[i + 1] -= dl[i]! * b[i]!;
    }
    b[m - 1] /= dd[m - 1]!;
    if (m > 1) b[m - 2] = (b[m - 2]! - du[m - 2]! * b[m - 1]!) / dd[m - 2]!;
    for (let i = m - 3; i >= 0; i--) b[i] = (b[i]! - du[i]! * b[i + 1]! - du2[i]! * b[i + 2]!) / dd[i]!;
    // Growth is the point of inverse iteration; keep it finite.
    let scale = 0;
    for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(b[i]!));
    if (scale > 1e150) for (let i = 0; i < m; i++) b[i]! /= scale;
  }
}
