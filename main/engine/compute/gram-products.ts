/**
 * The Gram seam of the low-rank SVD: G = Xᵀ·X or X·Xᵀ of fp32 factors, accumulated to fp64 accuracy (every
 * f32 product exact, only the sums round). `cpuGrams` is linalg's WebAssembly SIMD kernel (plain JS without
 * it); `backendGrams` (backend-gram.ts) puts them on the GPU under the webgpu backend.
 */
import { gramOfColumns, gramOfRows, type GramKernel } from '../linalg/kernels/gram.js';

export interface GramProducts {
  /** G = Xᵀ·X for X = n rows × r columns (row-major fp32): r×r, symmetric. */
  ofColumns(x: Float32Array, n: number, r: number, signal?: AbortSignal): Promise<Float64Array>;
  /** G = X·Xᵀ for X = r rows × n columns (row-major fp32): r×r, symmetric. */
  ofRows(x: Float32Array, r: number, n: number, signal?: AbortSignal): Promise<Float64Array>;
}

/** The CPU kernels ('wasm' where WebAssembly SIMD loads, else 'js', unless one is named). */
export function cpuGrams(kernel?: GramKernel): GramProducts {
  return {
    async ofColumns(x, n, r) {
      return gramOfColumns(x, n, r, kernel);
    },
    async ofRows(x, r, n) {
      return gramOfRows(x, r, n, kernel);
    },
  };
}
