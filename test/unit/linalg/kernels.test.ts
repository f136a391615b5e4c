import { describe, expect, it } from 'vitest';
import { gemm } from '../../../main/engine/linalg/kernels/gemm.js';
import { gramOfColumns, gramOfRows } from '../../../main/engine/linalg/kernels/gram.js';
import { wasmKernels } from '../../../main/engine/linalg/kernels/wasm-kernels.js';
import { multiply, transpose } from '../../../main/engine/linalg/matrix.js';
import { applyQToColumns, tridiagonalize } from '../../../main/engine/linalg/tridiagonal.js';
import { randomValues } from '../../helpers/safetensors.js';
import { randomMatrix, relDiff, withEigenvalues } from './fixtures.js';

function gramByDefinition(x: Float32Array, r: number, n: number): Float64Array {
  const g = new Float64Array(r * r);
  for (let p = 0; p < r; p++) {
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[p * n + i]! * x[j * n + i]!;
      g[p * r + j] = s;
    }
  }
  return g;
}

describe('WebAssembly kernels', () => {
  it('compile here (Node has WebAssembly SIMD)', () => {
    expect(wasmKernels()).not.toBeNull();
  });

  it.each([
    [1, 1],
    [3, 5],
    [13, 1001],
    [48, 700],
  ])('Gram of %i rows × %i: wasm and JS equal the definition in fp64', (r, n) => {
    const x = randomValues(r * n, r * 7 + n);
    const xt = new Float32Array(n * r);
    for (let i = 0; i < n; i++) for (let j = 0; j < r; j++) xt[i * r + j] = x[j * n + i]!;
    const want = gramByDefinition(x, r, n);
    for (const kernel of ['wasm', 'js'] as const) {
      expect(relDiff(gramOfRows(x, r, n, kernel), want)).toBeLessThan(1e-14);
      expect(relDiff(gramOfColumns(xt, n, r, kernel), want)).toBeLessThan(1e-14);
    }
  });

  it('fp64 products: accumulation is fp64, not fp32', () => {
    // 1 + 2⁻³⁰ squared: fp32 accumulation would lose the 2⁻²⁹ term.
    const v = Math.fround(1 + 2 ** -20);
    const g = gramOfRows(Float32Array.of(v, v, v, v), 1, 4);
    expect(g[0]).toBe(4 * v * v);
  });

  it.each([
    [1, 1, 1],
    [5, 7, 3],
    [17, 33, 9],
    [64, 48, 64],
  ])('gemm %i×%i · %i equals the plain product', (m, k, n) => {
    const a = randomMatrix(m, k, m);
    const b = randomMatrix(k, n, n + 100);
    expect(relDiff(gemm(a, b).data, multiply(a, b).data)).toBeLessThan(1e-14);
  });

  it('gemm skips the zeros of triangular operands and mirrors a symmetric result', () => {
    const n = 23;
    const upper = randomMatrix(18, n, 5);
    for (let i = 0; i < 18; i++) for (let j = 0; j < Math.min(i, n); j++) upper.data[i * n + j] = 0;
    const g = randomMatrix(n, n, 6);
    const lowerT = transpose(upper);
    expect(relDiff(gemm(upper, g, { aUpper: true }).data, multiply(upper, g).data)).toBeLessThan(1e-14);
    expect(relDiff(gemm(g, lowerT, { bLower: true }).data, multiply(g, lowerT).data)).toBeLessThan(1e-14);
    const sym = gemm(upper, lowerT, { aUpper: true, bLower: true, symmetric: true });
    expect(relDiff(sym.data, multiply(upper, lowerT).data)).toBeLessThan(1e-14);
  });

  it('tridiagonalisation: wasm sweeps agree with the JS ones, and Q·T·Qᵀ = A', () => {
    for (const n of [2, 3, 9, 40]) {
      const a = withEigenvalues(Array.from({ length: n }, (_, i) => n - 2 * i), n);
      const w = tridiagonalize(a, 'wasm');
      const j = tridiagonalize(a, 'js');
      expect(relDiff(w.d, j.d)).toBeLessThan(1e-12);
      expect(relDiff(w.e.map(Math.abs), j.e.map(Math.abs))).toBeLessThan(1e-12);
      // Q·T applied column by column gives A·Q: check A = Q·T·Qᵀ through QT = AQ.
      const t = { rows: n, cols: n, data: new Float64Array(n * n) };
      for (let i = 0; i < n; i++) {
        t.data[i * n + i] = w.d[i]!;
        if (i + 1 < n) t.data[i * n + i + 1] = t.data[(i + 1) * n + i] = w.e[i]!;
      }
      const qt = { ...t, data: t.data.slice() };
      applyQToColumns(w, qt, 'wasm');
      const q = { rows: n, cols: n, data: new Float64Array(n * n) };
      for (let i = 0; i < n; i++) q.data[i * n + i] = 1;
      applyQToColumns(w, q, 'js');
      expect(relDiff(qt.data, multiply(a, q).data)).toBeLessThan(1e-12);
    }
  });
});
