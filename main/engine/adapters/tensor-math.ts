/** Small dense helpers for rebuilding ΔW (row-major fp32); big products go through the MatMul seam. */
import type { MatMul } from '../compute/matmul.js';

/**
 * Tucker fold: core [r1, r2, K] (K = kh·kw, flattened) and b [r2, n] → [r1, n·K] with
 * out[i, c·K + q] = Σ_j core[i, j, q] · b[j, c]. Then a·out is the Tucker product
 * einsum('i j k l, j r, i p -> p r k l') of ComfyUI / LyCORIS with `a` as the p-mode factor.
 */
export async function tuckerFold(matmul: MatMul, core: Float32Array, r1: number, r2: number, k: number, b: Float32Array, n: number): Promise<Float32Array> {
  // Rows (i, q) of the core against b: P[(i·K + q), c] = Σ_j core[i, j, q] · b[j, c].
  const coreRows = new Float32Array(r1 * k * r2);
  for (let i = 0; i < r1; i++) {
    for (let j = 0; j < r2; j++) {
      const src = (i * r2 + j) * k;
      for (let q = 0; q < k; q++) coreRows[(i * k + q) * r2 + j] = core[src + q]!;
    }
  }
  const p = await matmul.matmul(coreRows, b, r1 * k, r2, n);
  const out = new Float32Array(r1 * n * k);
  for (let i = 0; i < r1; i++) {
    for (let q = 0; q < k; q++) {
      const row = (i * k + q) * n;
      const dst = i * n * k + q;
      for (let c = 0; c < n; c++) out[dst + c * k] = p[row + c]!;
    }
  }
  return out;
}

/** kron(a [m, n], b [p, q]) → [m·p, n·q]. A 4-D b enters flattened to [p, q·kh·kw], which is the same layout. */
export function kron(a: Float32Array, m: number, n: number, b: Float32Array, p: number, q: number): Float32Array {
  const cols = n * q;
  const out = new Float32Array(m * p * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const av = a[i * n + j]!;
      for (let r = 0; r < p; r++) {
        const dst = (i * p + r) * cols + j * q;
        const src = r * q;
        for (let c = 0; c < q; c++) out[dst + c] = av * b[src + c]!;
      }
    }
  }
  return out;
}

export function hadamardInPlace(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = a[i]! * b[i]!;
  return a;
}

export function scaleInPlace(a: Float32Array, s: number): Float32Array {
  if (s !== 1) for (let i = 0; i < a.length; i++) a[i] = a[i]! * s;
  return a;
}
