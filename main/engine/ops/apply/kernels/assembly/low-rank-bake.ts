// AssemblyScript (https://www.assemblyscript.org), compiled to dist/kernels/low-rank-bake.wasm by
// scripts/wasm-kernels.mjs; loaded by ../low-rank-bake-wasm.ts. See ../README.md.
//
// The fused bake kernel in WebAssembly SIMD: for a block of rows,
//   out[o, :] = encode(decode(base[o, :]) + Σ_k up[o, k]·down[k, :])
// with the rank-R outer products accumulated in f32x4 registers (4 rows × 8 columns per tile, k in order,
// one f32 multiply and one f32 add per term: no FMA), then decode, add and round-to-nearest-even encode on
// the bit patterns (float-codecs.ts). One exported function per (input, output) dtype pair, plus plain casts.
//
// Memory layouts (prepared by ../low-rank-bake.ts):
// - down, packed in panels of 8 columns: panel p holds, for k = 0..R−1, the 8 f32 down[k, 8p .. 8p+8);
// - up, packed in tiles of 4 rows: tile t holds, for k = 0..R−1, the 4 f32 up[4t .. 4t+4, k];
// - base and out: rows of `stride` bytes, 4·tiles rows, each row at least 8·panels elements.
import {
  addKeepingNaN, decodeBF16, decodeF16, decodeF16NormalSigned, encodeBF16, encodeBF16NotNaN, encodeF16,
  encodeF16Normal, f16AnySpecial8, f16NotNormalMask,
} from './float-codecs';

// The dtypes, as compile-time constants: each exported function below inlines bakeBlock / castBlock with its
// pair, and the branches on the dtypes fold away.
const F16 = 0;
const BF16 = 1;
const F32 = 2;

/** Rows per tile and columns per panel (exported so that ../low-rank-bake-wasm.ts checks its copies on load). */
export const TILE_ROWS = 4;
export const PANEL_COLS = 8;

/** Memory below this address holds the constants (float-codecs.ts): data goes above it. */
export const dataStart: usize = __heap_base;

// @ts-ignore: decorator
@inline function bytesOf(dtype: i32): i32 {
  return dtype == F32 ? 4 : 2;
}

/**
 * The low four of 8 values at `at`, decoded to fp32. `raw` is the 16 bytes at `at`, loaded once by the caller
 * for the 16-bit dtypes (unused for F32, whose halves are loaded here; see rawOf).
 */
// @ts-ignore: decorator
@inline function decodedLow(dtype: i32, at: usize, raw: v128): v128 {
  if (dtype == F32) return v128.load(at);
  const h = i32x4.extend_low_i16x8_u(raw);
  return dtype == F16 ? decodeF16(h) : decodeBF16(h);
}

/** The high four of 8 values at `at`, decoded to fp32. */
// @ts-ignore: decorator
@inline function decodedHigh(dtype: i32, at: usize, raw: v128): v128 {
  if (dtype == F32) return v128.load(at, 16);
  const h = i32x4.extend_high_i16x8_u(raw);
  return dtype == F16 ? decodeF16(h) : decodeBF16(h);
}

/** The 16 bytes at `at` for a 16-bit dtype (8 values); nothing to load ahead for F32. */
// @ts-ignore: decorator
@inline function rawOf(dtype: i32, at: usize): v128 {
  return dtype == F32 ? f32x4.splat(0) : v128.load(at);
}

/** Stores 8 fp32 values (lo: the first four) as `dtype` at `at`. */
// @ts-ignore: decorator
@inline function storeEncoded(dtype: i32, at: usize, lo: v128, hi: v128): void {
  if (dtype == F32) {
    v128.store(at, lo);
    v128.store(at, hi, 16);
  } else if (dtype == F16) {
    v128.store(at, i16x8.narrow_i32x4_u(encodeF16(lo), encodeF16(hi)));
  } else {
    v128.store(at, i16x8.narrow_i32x4_u(encodeBF16(lo), encodeBF16(hi)));
  }
}

/**
 * out = encode(decode(base) + delta) for 8 values when every one of them is ordinary (a normal fp16 base; a
 * result that rounds to a normal fp16 or overflows to Inf; no NaN), with the short forms of the codecs;
 * otherwise stores nothing and returns false, for the general path. Same results as the general path
 * wherever it stores.
 */
// @ts-ignore: decorator
@inline function storeOrdinary(inDtype: i32, outDtype: i32, inAt: usize, outAt: usize, dLo: v128, dHi: v128): bool {
  let lo: v128, hi: v128;
  if (inDtype == F16) {
    const raw = v128.load(inAt);
    if (f16AnySpecial8(raw)) return false;
    lo = f32x4.add(decodeF16NormalSigned(i32x4.extend_low_i16x8_s(raw)), dLo);
    hi = f32x4.add(decodeF16NormalSigned(i32x4.extend_high_i16x8_s(raw)), dHi);
  } else {
    const raw = rawOf(inDtype, inAt);
    lo = f32x4.add(decodedLow(inDtype, inAt, raw), dLo);
    hi = f32x4.add(decodedHigh(inDtype, inAt, raw), dHi);
  }
  if (outDtype == F16) {
    // Also rules out NaN, so a NaN base (which the general path quiets explicitly) never stays here.
    if (v128.any_true(v128.or(f16NotNormalMask(lo), f16NotNormalMask(hi)))) return false;
  } else if (outDtype == BF16 || inDtype != F16) {
    if (v128.any_true(v128.or(f32x4.ne(lo, lo), f32x4.ne(hi, hi)))) return false;
  }
  if (outDtype == F32) {
    v128.store(outAt, lo);
    v128.store(outAt, hi, 16);
  } else if (outDtype == F16) {
    v128.store(outAt, i16x8.narrow_i32x4_u(encodeF16Normal(lo), encodeF16Normal(hi)));
  } else {
    v128.store(outAt, i16x8.narrow_i32x4_u(encodeBF16NotNaN(lo), encodeBF16NotNaN(hi)));
  }
  return true;
}

/** out = encode(decode(base) + delta) for the 8 values at inAt / outAt; delta: two f32x4, low half first. */
// @ts-ignore: decorator
@inline function epilogue(inDtype: i32, outDtype: i32, inAt: usize, outAt: usize, dLo: v128, dHi: v128): void {
  if (storeOrdinary(inDtype, outDtype, inAt, outAt, dLo, dHi)) return;
  // Some of the 8 values need the general rules: zero, subnormal, Inf or NaN in or out.
  const raw = rawOf(inDtype, inAt);
  const lo = addKeepingNaN(decodedLow(inDtype, inAt, raw), dLo);
  const hi = addKeepingNaN(decodedHigh(inDtype, inAt, raw), dHi);
  storeEncoded(outDtype, outAt, lo, hi);
}

/**
 * out = encode(decode(base) + Σ_patches up·down) over `tiles` row tiles × `panels` column panels; `ranks` is
 * the address of `patches` i32 ranks (the packed factors hold the patches one after the other, `rank` in all).
 */
// @ts-ignore: decorator
@inline function bakeBlock(
  inDtype: i32, outDtype: i32,
  base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32,
): void {
  const panelBytes = rank * PANEL_COLS * 4;
  const tileBytes = rank * TILE_ROWS * 4;
  const inPanelBytes = PANEL_COLS * bytesOf(inDtype);
  const outPanelBytes = PANEL_COLS * bytesOf(outDtype);
  for (let t = 0; t < tiles; t++) {
    const upTile = up + <usize>(t * tileBytes);
    const in0 = base + <usize>(t * TILE_ROWS * baseStride);
    const in1 = in0 + <usize>baseStride;
    const in2 = in1 + <usize>baseStride;
    const in3 = in2 + <usize>baseStride;
    const out0 = out + <usize>(t * TILE_ROWS * outStride);
    const out1 = out0 + <usize>outStride;
    const out2 = out1 + <usize>outStride;
    const out3 = out2 + <usize>outStride;
    for (let p = 0; p < panels; p++) {
      // tot<i><h>: row i of the tile, columns 4h .. 4h+4 of the panel, summed over the patches.
      let tot00 = f32x4.splat(0), tot01 = f32x4.splat(0), tot10 = f32x4.splat(0), tot11 = f32x4.splat(0);
      let tot20 = f32x4.splat(0), tot21 = f32x4.splat(0), tot30 = f32x4.splat(0), tot31 = f32x4.splat(0);
      let u = upTile;
      let d = down + <usize>(p * panelBytes);
      // Each patch's Σ_k in order (acc += up[row, k] · down[k, 8 columns]), then the patches summed in order
      // starting from 0: the JS path's matmul per patch and its running sum of the deltas.
      for (let q = 0; q < patches; q++) {
        let acc00 = f32x4.splat(0), acc01 = f32x4.splat(0), acc10 = f32x4.splat(0), acc11 = f32x4.splat(0);
        let acc20 = f32x4.splat(0), acc21 = f32x4.splat(0), acc30 = f32x4.splat(0), acc31 = f32x4.splat(0);
        const dEnd = d + <usize>(load<i32>(ranks + <usize>(q << 2)) * PANEL_COLS * 4);
        for (; d < dEnd; d += PANEL_COLS * 4) {
          const b0 = v128.load(d);
          const b1 = v128.load(d, 16);
          const a0 = v128.load32_splat(u);
          acc00 = f32x4.add(acc00, f32x4.mul(a0, b0));
          acc01 = f32x4.add(acc01, f32x4.mul(a0, b1));
          const a1 = v128.load32_splat(u, 4);
          acc10 = f32x4.add(acc10, f32x4.mul(a1, b0));
          acc11 = f32x4.add(acc11, f32x4.mul(a1, b1));
          const a2 = v128.load32_splat(u, 8);
          acc20 = f32x4.add(acc20, f32x4.mul(a2, b0));
          acc21 = f32x4.add(acc21, f32x4.mul(a2, b1));
          const a3 = v128.load32_splat(u, 12);
          acc30 = f32x4.add(acc30, f32x4.mul(a3, b0));
          acc31 = f32x4.add(acc31, f32x4.mul(a3, b1));
          u += TILE_ROWS * 4;
        }
        tot00 = f32x4.add(tot00, acc00);
        tot01 = f32x4.add(tot01, acc01);
        tot10 = f32x4.add(tot10, acc10);
        tot11 = f32x4.add(tot11, acc11);
        tot20 = f32x4.add(tot20, acc20);
        tot21 = f32x4.add(tot21, acc21);
        tot30 = f32x4.add(tot30, acc30);
        tot31 = f32x4.add(tot31, acc31);
      }
      const inCol = <usize>(p * inPanelBytes);
      const outCol = <usize>(p * outPanelBytes);
      epilogue(inDtype, outDtype, in0 + inCol, out0 + outCol, tot00, tot01);
      epilogue(inDtype, outDtype, in1 + inCol, out1 + outCol, tot10, tot11);
      epilogue(inDtype, outDtype, in2 + inCol, out2 + outCol, tot20, tot21);
      epilogue(inDtype, outDtype, in3 + inCol, out3 + outCol, tot30, tot31);
    }
  }
}

/** out = encode(decode(base)) for `groups` × 8 consecutive elements (no arithmetic: NaN payloads and −0 kept). */
// @ts-ignore: decorator
@inline function castBlock(inDtype: i32, outDtype: i32, base: usize, out: usize, groups: i32): void {
  const inGroupBytes = PANEL_COLS * bytesOf(inDtype);
  const outGroupBytes = PANEL_COLS * bytesOf(outDtype);
  for (let g = 0; g < groups; g++) {
    const inAt = base + <usize>(g * inGroupBytes);
    const outAt = out + <usize>(g * outGroupBytes);
    const raw = rawOf(inDtype, inAt);
    storeEncoded(outDtype, outAt, decodedLow(inDtype, inAt, raw), decodedHigh(inDtype, inAt, raw));
  }
}

// The exported kernels: bake_<in>_<out> and cast_<in>_<out> for every pair of F16, BF16, F32.
export function bake_F16_F16(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(F16, F16, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_F16_BF16(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(F16, BF16, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_F16_F32(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(F16, F32, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_BF16_F16(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(BF16, F16, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_BF16_BF16(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(BF16, BF16, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_BF16_F32(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(BF16, F32, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_F32_F16(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(F32, F16, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_F32_BF16(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(F32, BF16, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }
export function bake_F32_F32(base: usize, out: usize, up: usize, down: usize, tiles: i32, panels: i32, ranks: usize, patches: i32, rank: i32, baseStride: i32, outStride: i32): void { bakeBlock(F32, F32, base, out, up, down, tiles, panels, ranks, patches, rank, baseStride, outStride); }

export function cast_F16_F16(base: usize, out: usize, groups: i32): void { castBlock(F16, F16, base, out, groups); }
export function cast_F16_BF16(base: usize, out: usize, groups: i32): void { castBlock(F16, BF16, base, out, groups); }
export function cast_F16_F32(base: usize, out: usize, groups: i32): void { castBlock(F16, F32, base, out, groups); }
export function cast_BF16_F16(base: usize, out: usize, groups: i32): void { castBlock(BF16, F16, base, out, groups); }
export function cast_BF16_BF16(base: usize, out: usize, groups: i32): void { castBlock(BF16, BF16, base, out, groups); }
export function cast_BF16_F32(base: usize, out: usize, groups: i32): void { castBlock(BF16, F32, base, out, groups); }
export function cast_F32_F16(base: usize, out: usize, groups: i32): void { castBlock(F32, F16, base, out, groups); }
export function cast_F32_BF16(base: usize, out: usize, groups: i32): void { castBlock(F32, BF16, base, out, groups); }
export function cast_F32_F32(base: usize, out: usize, groups: i32): void { castBlock(F32, F32, base, out, groups); }

/**
 * The first index in [0, count) of a 16-bit value at `at` whose exponent bits (`mask`: 0x7c00 for F16,
 * 0x7f80 for BF16) are all ones (an Inf or NaN), or -1: the output overflow check of ../../output-overflow.ts
 * over a block the bake just wrote, 32 values per test while none has one.
 */
export function first_all_ones_exponent(at: usize, count: i32, mask: i32): i32 {
  const m = i16x8.splat(<i16>mask);
  let i = 0;
  for (; i + 32 <= count; i += 32) {
    const p = at + (<usize>i << 1);
    const a = i16x8.eq(v128.and(v128.load(p), m), m);
    const b = i16x8.eq(v128.and(v128.load(p, 16), m), m);
    const c = i16x8.eq(v128.and(v128.load(p, 32), m), m);
    const d = i16x8.eq(v128.and(v128.load(p, 48), m), m);
    if (v128.any_true(v128.or(v128.or(a, b), v128.or(c, d)))) break;
  }
  for (; i < count; i++) if ((<i32>load<u16>(at + (<usize>i << 1)) & mask) == mask) return i;
  return -1;
}
