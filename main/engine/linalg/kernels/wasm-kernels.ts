/**
 * fp64 kernels in WebAssembly SIMD (f64x2): the Gram matrices of fp32 factors (widened on load, so every
 * product is exact and only the fp64 sums round), a small fp64 matrix product and the two tridiagonalisation
 * sweeps. Same accuracy as plain fp64 loops, about 3× their speed (measured in test/bench/linalg.bench.ts).
 * Source: assembly/linalg-kernels.ts (AssemblyScript), compiled to dist/kernels/linalg-kernels.wasm at build
 * time (see ../README.md § Kernels).
 */
import { grownMemory, instantiateKernels, type WasmMemory } from './wasm-binary.js';

export interface WasmKernels {
  memory: WasmMemory;
  /**
   * G[rp×rp] += X·Xᵀ over columns [i0, i1) for X = rp rows of stride `np` f32 (rp % 4 == 0, np, i0, i1 even).
   * Upper 4×2 tiles (the diagonal tiles also fill a few entries below the diagonal).
   */
  gramRows(x: number, rp: number, np: number, i0: number, i1: number, g: number): void;
  /** G[rp×rp] += Xᵀ·X over rows [i0, i1) for X = rows of `rp` f32 (rp % 4 == 0). Upper 4×4 tiles. */
  gramCols(x: number, rp: number, i0: number, i1: number, g: number): void;
  /**
   * C[m×n] = A[m×k]·B[k×n], all fp64 row-major; m, n multiples of 4. Flags skip known zeros: 1 = A upper
   * triangular, 2 = B lower triangular, 4 = only the 4×4 tiles on or above C's diagonal (C symmetric).
   */
  gemm(a: number, b: number, c: number, m: number, k: number, n: number, flags: number): void;
  /**
   * p += S·v for the m×m symmetric S stored in the upper triangle at s (row stride `stride` elements), reading
   * pairs from the diagonal on: element (i, m) and v[m] must exist and be 0 (a padding column and entry).
   */
  symvUpper(s: number, stride: number, m: number, v: number, p: number): void;
  /** S ← S − v·pᵀ − p·vᵀ on the upper triangle (same layout; v[m] = p[m] = 0). */
  syr2Upper(s: number, stride: number, m: number, v: number, p: number): void;
  /** A ← (I − τ·v·vᵀ)·A for the len×width block at a (row stride `stride`, width even); w: width scratch. */
  reflect(v: number, tau: number, a: number, stride: number, len: number, width: number, w: number): void;
}

let instance: WasmKernels | null | undefined;

/**
 * The compiled kernels, or null where WebAssembly SIMD is unavailable (the JS kernels are used then). Their
 * memory is the caller's from address 0 (the module has no static data).
 */
export function wasmKernels(): WasmKernels | null {
  if (instance === undefined) instance = instantiateKernels('linalg-kernels.wasm') as unknown as WasmKernels | null;
  return instance;
}

/** The kernels' memory, grown to at least `bytes`; views on it are invalid after the next growth. */
export function wasmMemory(k: WasmKernels, bytes: number): ArrayBuffer {
  return grownMemory(k.memory, bytes);
}
