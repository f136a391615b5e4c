/**
 * The fused bake kernel in WebAssembly SIMD: for a block of rows,
 *   out[o, :] = encode(decode(base[o, :]) + Σ_k up[o, k]·down[k, :])
 * with the rank-R outer products accumulated in f32x4 registers (4 rows × 8 columns per tile, k in order,
 * one f32 multiply and one f32 add per term: no FMA), then decode, add and round-to-nearest-even encode on
 * the bit patterns. One function per (input, output) dtype pair, plus plain casts.
 * Source: assembly/low-rank-bake.ts and assembly/float-codecs.ts (AssemblyScript), compiled to
 * dist/kernels/low-rank-bake.wasm at build time (see README.md § Source and build).
 *
 * Memory layouts (prepared by low-rank-bake.ts):
 * - down, packed in panels of 8 columns: panel p holds, for k = 0..R−1, the 8 f32 down[k, 8p .. 8p+8);
 * - up, packed in tiles of 4 rows: tile t holds, for k = 0..R−1, the 4 f32 up[4t .. 4t+4, k];
 * - base and out: rows of `stride` bytes, 4·tiles rows, each row at least 8·panels elements.
 */
import { grownMemory, instantiateKernels, type WasmMemory } from '../../../linalg/kernels/wasm-binary.js';
import type { KernelDType } from './simd-float-codecs.js';

/**
 * out = encode(decode(base) + Σ_patches up·down) over `tiles` row tiles × `panels` column panels; `ranks` is
 * the address of `patches` i32 ranks (the packed factors hold the patches one after the other, `rank` in all).
 */
export type BakeBlockFn = (base: number, out: number, up: number, down: number, tiles: number, panels: number, ranks: number, patches: number, rank: number, baseStride: number, outStride: number) => void;
/** out = encode(decode(base)) for `groups` × 8 consecutive elements (no arithmetic: NaN payloads and −0 kept). */
export type CastFn = (base: number, out: number, groups: number) => void;
/** The first index of `count` 16-bit values at `at` whose exponent bits (`mask`) are all ones, or -1. */
export type FirstAllOnesExponentFn = (at: number, count: number, mask: number) => number;

export interface LowRankBakeKernels {
  readonly memory: WasmMemory;
  /** Memory below this address holds the kernels' constants: data goes above it. */
  readonly dataStart: number;
  bake(inDtype: KernelDType, outDtype: KernelDType): BakeBlockFn;
  cast(inDtype: KernelDType, outDtype: KernelDType): CastFn;
  readonly firstAllOnesExponent: FirstAllOnesExponentFn;
}

export const KERNEL_DTYPES: readonly KernelDType[] = ['F16', 'BF16', 'F32'];
/** Rows per tile and columns per panel of the kernel (the module exports its own, checked on load). */
export const TILE_ROWS = 4;
export const PANEL_COLS = 8;

/** An exported WebAssembly global's value. */
const globalValue = (g: unknown): number => (g as { value: number }).value;

let instance: LowRankBakeKernels | null | undefined;

/** The compiled kernels, or null where WebAssembly SIMD is unavailable (the JS bake path is used then). */
export function lowRankBakeKernels(): LowRankBakeKernels | null {
  if (instance !== undefined) return instance;
  const exports = instantiateKernels('low-rank-bake.wasm');
  if (!exports) return (instance = null);
  if (globalValue(exports.TILE_ROWS) !== TILE_ROWS || globalValue(exports.PANEL_COLS) !== PANEL_COLS) {
    throw new Error(`low-rank-bake.wasm has tiles of ${globalValue(exports.TILE_ROWS)} rows × ${globalValue(exports.PANEL_COLS)} columns, low-rank-bake-wasm.ts expects ${TILE_ROWS} × ${PANEL_COLS}.`);
  }
  instance = {
    memory: exports.memory as WasmMemory,
    dataStart: Math.ceil(globalValue(exports.dataStart) / 64) * 64,
    bake: (i, o) => exports[`bake_${i}_${o}`] as BakeBlockFn,
    cast: (i, o) => exports[`cast_${i}_${o}`] as CastFn,
    firstAllOnesExponent: exports.first_all_ones_exponent as FirstAllOnesExponentFn,
  };
  return instance;
}

/** The kernels if this thread has loaded them already (undefined: not asked for yet, or unavailable). */
export function loadedLowRankBakeKernels(): LowRankBakeKernels | undefined {
  return instance ?? undefined;
}

/** The kernels' memory, grown to at least `bytes`; views on it are invalid after the next growth. */
export function kernelMemory(k: LowRankBakeKernels, bytes: number): ArrayBuffer {
  return grownMemory(k.memory, bytes);
}
