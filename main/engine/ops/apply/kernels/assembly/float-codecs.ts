// AssemblyScript; part of low-rank-bake.wasm (see ../README.md § Source and build).
//
// fp16 / bf16 ⇄ fp32 on i32x4 bit patterns: the SIMD twins of tensor-io's fp16.ts / bf16.ts, equal to them
// bit for bit on every input (tested on every fp16 pattern and a sweep of fp32 patterns covering every
// exponent and rounding case; all 2³² fp32 patterns with test/bench/bake-kernel.bench.ts --exhaustive).
//
// WebAssembly SIMD has no per-lane variable shift, so the one place where the scalar encoder shifts by a
// data-dependent amount (fp16 subnormal results) uses float addition instead: |v| + 0.5 rounds v to a
// multiple of 2⁻²⁴, the fp16 subnormal spacing, to nearest even (WebAssembly arithmetic always rounds to
// nearest even), and the low bits of that sum are the fp16 mantissa. Decoding subnormals subtracts 2⁻¹⁴ from
// a normal number with the fp16 mantissa in place; no fp32 subnormal is ever an operand.
//
// Every function is @inline: the kernels' loops run them with no call.

// The i32x4 constants live in memory, below the kernels' data (dataStart), and are read with v128.load:
// V8 builds an inline v128.const with several scalar instructions at each use, a load is one instruction
// from L1. Each holds its value in all four lanes.
const ZERO = memory.data<u32>([0, 0, 0, 0], 16);
const ONE = memory.data<u32>([1, 1, 1, 1], 16);
const ABS = memory.data<u32>([0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff], 16); // all but the fp32 sign
const F32_INF = memory.data<u32>([0x7f800000, 0x7f800000, 0x7f800000, 0x7f800000], 16);
const F32_QUIET = memory.data<u32>([0x00400000, 0x00400000, 0x00400000, 0x00400000], 16);
const F32_HALF = memory.data<u32>([0x3f000000, 0x3f000000, 0x3f000000, 0x3f000000], 16); // 0.5
const F32_2P_14 = memory.data<u32>([0x38800000, 0x38800000, 0x38800000, 0x38800000], 16); // 2⁻¹⁴, the least normal fp16
const F32_2P16 = memory.data<u32>([0x47800000, 0x47800000, 0x47800000, 0x47800000], 16); // 65536
const F32_LSB_OF_F16 = memory.data<u32>([0x00800000, 0x00800000, 0x00800000, 0x00800000], 16); // exponent 1
const REBIAS = memory.data<u32>([0x38000000, 0x38000000, 0x38000000, 0x38000000], 16); // (127 − 15) << 23
const F16_EXP_AT_23 = memory.data<u32>([0x0f800000, 0x0f800000, 0x0f800000, 0x0f800000], 16); // fp16 exponent bits, shifted by 13
const F16_HALF_ULP_REBIASED = memory.data<u32>([0xc8000fff, 0xc8000fff, 0xc8000fff, 0xc8000fff], 16); // 0xfff − REBIAS
const F16_NORMAL_SIGNED_MASK = memory.data<u32>([0x8fffffff, 0x8fffffff, 0x8fffffff, 0x8fffffff], 16);
const F16_NOT_NORMAL_LIMIT = memory.data<u32>([0x8effffff, 0x8effffff, 0x8effffff, 0x8effffff], 16);
const F16_ABS = memory.data<u32>([0x7fff, 0x7fff, 0x7fff, 0x7fff], 16); // also bf16's rounding bias
const F16_SIGN = memory.data<u32>([0x8000, 0x8000, 0x8000, 0x8000], 16);
const F16_INF = memory.data<u32>([0x7c00, 0x7c00, 0x7c00, 0x7c00], 16);
const F16_MANTISSA = memory.data<u32>([0x3ff, 0x3ff, 0x3ff, 0x3ff], 16);
const F16_QUIET = memory.data<u32>([0x200, 0x200, 0x200, 0x200], 16);
const F16X2_EXP = memory.data<u32>([0x7c007c00, 0x7c007c00, 0x7c007c00, 0x7c007c00], 16); // per i16 lane
const F16X2_EXP_LSB = memory.data<u32>([0x04000400, 0x04000400, 0x04000400, 0x04000400], 16);
const F16X2_EXP_LSB_PLUS_1 = memory.data<u32>([0x04010401, 0x04010401, 0x04010401, 0x04010401], 16);
const BF16_MANTISSA = memory.data<u32>([0x7f, 0x7f, 0x7f, 0x7f], 16);
const BF16_QUIET = memory.data<u32>([0x40, 0x40, 0x40, 0x40], 16);

// @ts-ignore: decorator
@inline function k(at: usize): v128 {
  return v128.load(at);
}

/**
 * [i16x8 of fp16 patterns] → true when any lane is zero, subnormal, Inf or NaN (exponent 0 or 31): with e the
 * exponent bits, e + 0x400 wraps 31 to the most negative i16 and leaves 0 at 0x400, so one signed compare
 * finds both.
 */
// @ts-ignore: decorator
@inline export function f16AnySpecial8(raw: v128): bool {
  return v128.any_true(i16x8.lt_s(i16x8.add(v128.and(raw, k(F16X2_EXP)), k(F16X2_EXP_LSB)), k(F16X2_EXP_LSB_PLUS_1)));
}

/**
 * decodeF16 for patterns with an exponent of 1..30, given sign-extended to i32: after the shift the sign
 * fills bits 28..31, the mask keeps bit 31, and the rebias carries into neither.
 */
// @ts-ignore: decorator
@inline export function decodeF16NormalSigned(h: v128): v128 {
  return i32x4.add(v128.and(i32x4.shl(h, 13), k(F16_NORMAL_SIGNED_MASK)), k(REBIAS));
}

/**
 * [fp32 bit patterns] → lanes all-ones where encodeF16Normal does not apply (|v| outside [2⁻¹⁴, 65536), NaN
 * included): the unsigned test |v| − 2⁻¹⁴ ≥ 0x0f000000 as one signed compare, |v| + 0x47800000 being
 * (|v| − 0x38800000) with its sign bit flipped.
 */
// @ts-ignore: decorator
@inline export function f16NotNormalMask(x: v128): v128 {
  return i32x4.gt_s(i32x4.add(v128.and(x, k(ABS)), k(F32_2P16)), k(F16_NOT_NORMAL_LIMIT));
}

/** encodeF16 for values whose fp16 rounding is a normal number or ±Inf by overflow of the rounding (|v| in [2⁻¹⁴, 65536)). */
// @ts-ignore: decorator
@inline export function encodeF16Normal(x: v128): v128 {
  const a = v128.and(x, k(ABS));
  // Rebias and round to nearest even on the bit pattern; a carry may reach the exponent, up to Inf.
  const magnitude = i32x4.shr_u(i32x4.add(i32x4.add(a, k(F16_HALF_ULP_REBIASED)), v128.and(i32x4.shr_u(a, 13), k(ONE))), 13);
  return v128.or(magnitude, v128.and(i32x4.shr_u(x, 16), k(F16_SIGN)));
}

/** encodeBF16 for values that are not NaN: round to nearest even on the bit pattern. */
// @ts-ignore: decorator
@inline export function encodeBF16NotNaN(x: v128): v128 {
  return i32x4.shr_u(i32x4.add(i32x4.add(x, k(F16_ABS)), v128.and(i32x4.shr_u(x, 16), k(ONE))), 16);
}

/** [u16 patterns as i32x4] → [fp32 bit patterns] (exact; NaN payloads and −0 kept). */
// @ts-ignore: decorator
@inline export function decodeF16(h: v128): v128 {
  let o = i32x4.shl(v128.and(h, k(F16_ABS)), 13);
  const e = v128.and(o, k(F16_EXP_AT_23));
  // Rebias the exponent (15 → 127); Inf/NaN (exponent 31) get the rest of the way to 255.
  o = i32x4.add(i32x4.add(o, k(REBIAS)), v128.and(i32x4.eq(e, k(F16_EXP_AT_23)), k(REBIAS)));
  // Exponent 0: (2⁻¹⁴ + m·2⁻²⁴) − 2⁻¹⁴ = m·2⁻²⁴, exact (m = 0 gives +0).
  const subnormal = f32x4.sub(i32x4.add(o, k(F32_LSB_OF_F16)), k(F32_2P_14));
  o = v128.bitselect(subnormal, o, i32x4.eq(e, k(ZERO)));
  return v128.or(o, i32x4.shl(v128.and(h, k(F16_SIGN)), 16));
}

/** [u16 patterns as i32x4] → [fp32 bit patterns]: bf16 is the top half of an fp32. */
// @ts-ignore: decorator
@inline export function decodeBF16(h: v128): v128 {
  return i32x4.shl(h, 16);
}

/** [fp32 bit patterns] → [fp16 patterns as i32x4], as f32BitsToF16Bits (round to nearest even, overflow to ±Inf). */
// @ts-ignore: decorator
@inline export function encodeF16(x: v128): v128 {
  const a = v128.and(x, k(ABS));
  const m = v128.and(i32x4.shr_u(a, 13), k(F16_MANTISSA));
  // Subnormal results (|v| < 2⁻¹⁴): the bits of |v| + 0.5 above those of 0.5.
  const subnormal = i32x4.sub(f32x4.add(a, k(F32_HALF)), k(F32_HALF));
  // Normal results: rebias and round on the bit pattern; a carry may reach the exponent, up to Inf.
  const normal = i32x4.shr_u(i32x4.add(i32x4.add(a, k(F16_HALF_ULP_REBIASED)), v128.and(i32x4.shr_u(a, 13), k(ONE))), 13);
  // |v| ≥ 65536 and Inf: 0x7c00; NaN: 0x7c00 | top payload bits, or the quiet bit when those are all 0.
  const payload = v128.or(m, v128.and(i32x4.eq(m, k(ZERO)), k(F16_QUIET)));
  const infOrNaN = v128.or(k(F16_INF), v128.and(payload, i32x4.gt_s(a, k(F32_INF))));
  const large = v128.bitselect(normal, infOrNaN, i32x4.lt_s(a, k(F32_2P16)));
  const magnitude = v128.bitselect(subnormal, large, i32x4.lt_s(a, k(F32_2P_14)));
  return v128.or(magnitude, v128.and(i32x4.shr_u(x, 16), k(F16_SIGN)));
}

/** [fp32 bit patterns] → [bf16 patterns as i32x4], as f32BitsToBF16Bits (NaN: top half, quiet bit if it would read as Inf). */
// @ts-ignore: decorator
@inline export function encodeBF16(x: v128): v128 {
  const top = i32x4.shr_u(x, 16);
  const nan = v128.or(top, v128.and(i32x4.eq(v128.and(top, k(BF16_MANTISSA)), k(ZERO)), k(BF16_QUIET)));
  const rounded = i32x4.shr_u(i32x4.add(i32x4.add(x, k(F16_ABS)), v128.and(top, k(ONE))), 16);
  return v128.bitselect(nan, rounded, i32x4.gt_s(v128.and(x, k(ABS)), k(F32_INF)));
}

/**
 * [base, delta] fp32 → base + delta, except that a NaN base gives that NaN with its quiet bit set (what the
 * hardware does, made explicit so it does not depend on which operand the compiler puts first).
 */
// @ts-ignore: decorator
@inline export function addKeepingNaN(base: v128, delta: v128): v128 {
  return v128.bitselect(v128.or(base, k(F32_QUIET)), f32x4.add(base, delta), f32x4.ne(base, base));
}
