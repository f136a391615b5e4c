/**
 * The big-matmul seam. Ops code against MatMul; the default is the tfjs backend chosen at start-up
 * (compute/backend.ts), and `referenceMatMul` is a plain-JS implementation for tests and tiny sizes.
 */
export interface MatMul {
  /** C[m×n] = A[m×k] · B[k×n], all row-major fp32. With transposeA/transposeB the stored operands are Aᵀ / Bᵀ. */
  matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number, opts?: { transposeA?: boolean; transposeB?: boolean }): Promise<Float32Array>;
  /**
   * A dense rows×cols matrix kept on the backend for repeated products (the randomized SVD's 2q + 2), uploaded
   * once instead of on every product; the caller disposes it. Absent: products upload the matrix each time.
   */
  resident?(a: Float32Array, rows: number, cols: number, signal?: AbortSignal): DisposableOperator;
}

/** A rows×cols matrix known only through products with it (linalg's randomizedSVD takes one). */
export interface LinearOperator {
  rows: number;
  cols: number;
  /** A·X for X cols×n (row-major) → rows×n. */
  multiply(x: Float32Array, n: number): Promise<Float32Array>;
  /** Aᵀ·Y for Y rows×n (row-major) → cols×n. */
  multiplyTranspose(y: Float32Array, n: number): Promise<Float32Array>;
}

/** An operator holding a backend copy of its matrix. */
export interface DisposableOperator extends LinearOperator {
  /** Frees the backend copy of the matrix. */
  dispose(): void;
}

export const referenceMatMul: MatMul = {
  async matmul(a, b, m, k, n, opts = {}) {
    const ta = opts.transposeA ?? false;
    const tb = opts.transposeB ?? false;
    const c = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const av = ta ? a[p * m + i]! : a[i * k + p]!;
        if (av === 0) continue;
        const row = i * n;
        if (tb) for (let j = 0; j < n; j++) c[row + j]! += av * b[j * k + p]!;
        else {
          const brow = p * n;
          for (let j = 0; j < n; j++) c[row + j]! += av * b[brow + j]!;
        }
      }
    }
    return c;
  },
};
