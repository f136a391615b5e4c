/**
 * The two 8-bit floats of safetensors / PyTorch, on bit patterns:
 * - F8_E4M3 is `float8_e4m3fn`: bias 7, no infinities, NaN = 0x7f / 0xff, largest finite 448.
 * - F8_E5M2 is IEEE-like: bias 15, ±Inf = 0x7c / 0xfc, NaN = 0x7d–0x7f, largest finite 57344.
 * Decoding is exact (a 256-entry table). Encoding rounds to nearest, ties to even. What happens to values
 * beyond the largest finite one is a choice, `Fp8Overflow`:
 * - `'saturate'` (our default): finite values that would round past the largest finite value, and ±Inf,
 *   become ±max (CUDA's `__NV_SATFINITE` behaviour). A merged weight slightly past 448 is then clipped,
 *   not turned into a NaN that poisons every activation downstream.
 * - `'torch'`: exactly PyTorch's `tensor.to(float8_…)` (c10 `fp8e4m3fn_from_fp32_value` /
 *   `fp8e5m2_from_fp32_value`): E4M3 turns |v| > 464 (everything that rounds past 448) and ±Inf into NaN;
 *   E5M2 turns |v| ≥ 61440 into ±Inf.
 * NaN always stays NaN with its sign (E5M2 keeps the top payload bits; PyTorch writes 0x7f).
 */

import { lookupAll } from './fp16.js';

export type Fp8Overflow = 'saturate' | 'torch';

export const F8_E4M3_MAX = 448;
export const F8_E5M2_MAX = 57344;

let e4m3Table: Uint32Array | undefined;
let e5m2Table: Uint32Array | undefined;

function f32Bits(sign: number, exp: number, mant: number, mantBits: number): number {
  // exp is the unbiased exponent of the leading 1; mant holds the bits after it.
  return (sign | ((exp + 127) << 23) | (mant << (23 - mantBits))) >>> 0;
}

function buildTable(expBits: 4 | 5): Uint32Array {
  const mantBits = 7 - expBits;
  const bias = (1 << (expBits - 1)) - 1;
  const t = new Uint32Array(256);
  for (let b = 0; b < 256; b++) {
    const sign = (b & 0x80) << 24;
    const exp = (b >>> mantBits) & ((1 << expBits) - 1);
    const mant = b & ((1 << mantBits) - 1);
    const expMax = (1 << expBits) - 1;
    if (expBits === 4 && exp === expMax && mant === 0x7) t[b] = (sign | 0x7fc00000) >>> 0;
    else if (expBits === 5 && exp === expMax) t[b] = (sign | 0x7f800000 | (mant << 21)) >>> 0;
    else if (exp !== 0) t[b] = f32Bits(sign, exp - bias, mant, mantBits);
    else if (mant === 0) t[b] = sign >>> 0;
    else {
      const lead = 31 - Math.clz32(mant);
      t[b] = f32Bits(sign, lead - mantBits + 1 - bias, (mant << (mantBits - lead)) & ((1 << mantBits) - 1), mantBits);
    }
  }
  return t;
}

export function f8e4m3ToF32BitsTable(): Uint32Array {
  return (e4m3Table ??= buildTable(4));
}

export function f8e5m2ToF32BitsTable(): Uint32Array {
  return (e5m2Table ??= buildTable(5));
}

/** fp32 bit pattern → F8_E4M3 (e4m3fn) bit pattern. */
export function f32BitsToF8E4M3Bits(x: number, overflow: Fp8Overflow = 'saturate'): number {
  return e4m3(x, overflow === 'torch' ? 0x7f : 0x7e);
}

/** fp32 bit pattern → F8_E5M2 bit pattern. */
export function f32BitsToF8E5M2Bits(x: number, overflow: Fp8Overflow = 'saturate'): number {
  return e5m2(x, overflow === 'torch' ? 0x7c : 0x7b);
}

/**
 * E4M3 encoding is table-driven by the fp32 exponent: real weights (σ ≈ 0.02) are mostly below 2^-6, the
 * smallest e4m3 normal, so a normal/subnormal branch mispredicts constantly; with a per-exponent shift,
 * rounding bias and base, every value takes the same path (2.5× faster on such data).
 */
const E4M3_SHIFT = new Uint8Array(256);
const E4M3_BIAS = new Int32Array(256);
const E4M3_BASE = new Int32Array(256);
for (let e = 0; e < 256; e++) {
  // ≥ 2^9 (and Inf/NaN): beyond 448, marked 0x80 and resolved below. Normals: 3 mantissa bits, so shift 20
  // (the implicit bit adds 8, which is the exponent field's +1). Subnormals: shift more; ≤ 2^-11 rounds to 0.
  const shift = e >= 136 ? 25 : e >= 121 ? 20 : Math.min(25, 141 - e);
  E4M3_SHIFT[e] = shift;
  E4M3_BIAS[e] = e >= 136 ? 0 : (1 << (shift - 1)) - 1;
  E4M3_BASE[e] = e >= 136 ? 0x80 : e >= 121 ? (e - 121) << 3 : 0;
}

/** `past` is the magnitude pattern for results beyond the largest finite value (0x7f NaN or 0x7e max). */
function e4m3(x: number, past: number): number {
  const a = x & 0x7fffffff;
  const e = a >>> 23;
  const m = (a & 0x7fffff) | 0x800000;
  const shift = E4M3_SHIFT[e]!;
  let h = E4M3_BASE[e]! + ((m + E4M3_BIAS[e]! + ((m >>> shift) & 1)) >>> shift);
  // Rounding past 448 gives 0x7f (the NaN pattern); ≥ 2^9, Inf and NaN give 0x80.
  if (h > 0x7e) h = a > 0x7f800000 ? 0x7f : past;
  return ((x >>> 24) & 0x80) | h;
}

function e5m2(x: number, past: number): number {
  const a = x & 0x7fffffff;
  // |v| in [2^-14, 2^16): normal; rounding may carry into 0x7c (Inf).
  let h = (a - 0x38800000) >>> 0 < 0x0f000000 ? (a - 0x38000000 + 0xfffff + ((a >>> 21) & 1)) >>> 21 : e5m2Special(a);
  if (h > 0x7b && h < 0x7d) h = past;
  return ((x >>> 24) & 0x80) | h;
}

/** Subnormals and zero; NaN keeps its top payload bits; overflow and Inf give 0x7c (resolved by the caller). */
function e5m2Special(a: number): number {
  if (a < 0x38800000) {
    const shift = 134 - (a >>> 23);
    if (shift > 24) return 0;
    const m = (a & 0x7fffff) | 0x800000;
    return (m + (1 << (shift - 1)) - 1 + ((m >>> shift) & 1)) >>> shift;
  }
  if (a > 0x7f800000) return 0x7c | ((a >>> 21) & 0x3 || 0x2);
  return 0x7c;
}

export function encodeF8E4M3(src: Uint32Array, out: Uint8Array, overflow: Fp8Overflow): void {
  const past = overflow === 'torch' ? 0x7f : 0x7e;
  const n = out.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = src[i]!;
    const x1 = src[i + 1]!;
    const x2 = src[i + 2]!;
    const x3 = src[i + 3]!;
    out[i] = e4m3(x0, past);
    out[i + 1] = e4m3(x1, past);
    out[i + 2] = e4m3(x2, past);
    out[i + 3] = e4m3(x3, past);
  }
  for (; i < n; i++) out[i] = e4m3(src[i]!, past);
}

export function encodeF8E5M2(src: Uint32Array, out: Uint8Array, overflow: Fp8Overflow): void {
  const past = overflow === 'torch' ? 0x7c : 0x7b;
  const n = out.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = src[i]!;
    const x1 = src[i + 1]!;
    const x2 = src[i + 2]!;
    const x3 = src[i + 3]!;
    out[i] = e5m2(x0, past);
    out[i + 1] = e5m2(x1, past);
    out[i + 2] = e5m2(x2, past);
    out[i + 3] = e5m2(x3, past);
  }
  for (; i < n; i++) out[i] = e5m2(src[i]!, past);
}

export function decodeF8(src: Uint8Array, out: Uint32Array, table: Uint32Array): void {
  lookupAll(src, out, table);
}
