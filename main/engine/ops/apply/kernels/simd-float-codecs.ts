/**
 * fp16 / bf16 ⇄ fp32 on i32x4 bit patterns, emitted into a WebAssembly function: the SIMD twins of
 * tensor-io's fp16.ts / bf16.ts, equal to them bit for bit on every input (tested on every fp16 pattern and
 * on a sweep of fp32 patterns that covers every exponent and rounding case).
 *
 * Each method consumes the v128 on top of the stack and pushes its result. WebAssembly SIMD has no per-lane
 * variable shift, so the one place where the scalar encoder shifts by a data-dependent amount (fp16
 * subnormal results) uses float addition instead: |v| + 0.5 rounds v to a multiple of 2⁻²⁴, the fp16
 * subnormal spacing, to nearest even (WebAssembly arithmetic always rounds to nearest even), and the low
 * bits of that sum are the fp16 mantissa. Decoding subnormals subtracts 2⁻¹⁴ from a normal number with the
 * fp16 mantissa in place; no fp32 subnormal is ever an operand.
 */
import { V128, type FunctionBuilder } from '../../../linalg/kernels/wasm-emitter.js';

export type KernelDType = 'F16' | 'BF16' | 'F32';

/** Bytes per element. */
export const KERNEL_DTYPE_BYTES: Readonly<Record<KernelDType, number>> = { F16: 2, BF16: 2, F32: 4 };

/**
 * i32x4 splat constants kept in WebAssembly memory at [0, bytes) and read with a v128.load: V8 builds an
 * inline v128.const with several scalar instructions at each use, a load is one instruction from L1.
 */
export class ConstantPool {
  private readonly values: number[] = [];

  /** Byte address of the 16-byte constant with `v` in every lane. */
  address(v: number): number {
    const u = v >>> 0;
    let i = this.values.indexOf(u);
    if (i < 0) i = this.values.push(u) - 1;
    return i * 16;
  }

  get bytes(): number {
    return this.values.length * 16;
  }

  /** Writes the constants into memory at 0. */
  write(buffer: ArrayBuffer): void {
    const view = new Uint32Array(buffer, 0, this.values.length * 4);
    this.values.forEach((v, i) => view.fill(v, i * 4, i * 4 + 4));
  }
}

export class SimdFloatCodecs {
  private readonly t0: number;
  private readonly t1: number;
  private readonly t2: number;

  constructor(
    private readonly f: FunctionBuilder,
    private readonly pool: ConstantPool,
  ) {
    this.t0 = f.local(V128);
    this.t1 = f.local(V128);
    this.t2 = f.local(V128);
  }

  /** Pushes the v128 with `v` in every i32 lane. */
  k(v: number): FunctionBuilder {
    return this.f.i32(0).v128Load(this.pool.address(v));
  }

  /**
   * [i16x8 of fp16 patterns] → i32 (i32x4.all_true-style) 1 when any lane is zero, subnormal, Inf or NaN
   * (exponent 0 or 31): with e the exponent bits, e + 0x400 wraps 31 to the most negative i16 and leaves 0 at
   * 0x400, so one signed compare finds both.
   */
  f16AnySpecial8(): void {
    this.k(0x7c007c00).v128And();
    this.k(0x04000400).i16x8Add();
    this.k(0x04010401).i16x8LtS().v128AnyTrue();
  }

  /**
   * decodeF16 for patterns with an exponent of 1..30, given sign-extended to i32: after the shift the sign
   * fills bits 28..31, the mask keeps bit 31, and the rebias carries into neither.
   */
  decodeF16NormalSigned(): void {
    this.f.i32(13).i32x4Shl();
    this.k(0x8fffffff).v128And();
    this.k(0x38000000).i32x4Add();
  }

  /**
   * [fp32 bit patterns] → lanes all-ones where encodeF16Normal does not apply (|v| outside [2⁻¹⁴, 65536),
   * NaN included): the unsigned test |v| − 2⁻¹⁴ ≥ 0x0f000000 as one signed compare, |v| + 0x47800000 being
   * (|v| − 0x38800000) with its sign bit flipped.
   */
  f16NotNormalMask(): void {
    this.k(0x7fffffff).v128And();
    this.k(0x47800000).i32x4Add();
    this.k(0x8effffff).i32x4GtS();
  }

  /** encodeF16 for values whose fp16 rounding is a normal number or ±Inf by overflow of the rounding (|v| in [2⁻¹⁴, 65536)). */
  encodeF16Normal(): void {
    const { f, t0: x, t1: a } = this;
    f.set(x);
    f.get(x);
    this.k(0x7fffffff).v128And().tee(a);
    this.k((0xfff - 0x38000000) | 0).i32x4Add();
    f.get(a).i32(13).i32x4ShrU();
    this.k(1).v128And().i32x4Add().i32(13).i32x4ShrU();
    f.get(x).i32(16).i32x4ShrU();
    this.k(0x8000).v128And().v128Or();
  }

  /** encodeBF16 for values that are not NaN. */
  encodeBF16NotNaN(): void {
    const { f, t0: x } = this;
    f.set(x);
    f.get(x);
    this.k(0x7fff).i32x4Add();
    f.get(x).i32(16).i32x4ShrU();
    this.k(1).v128And().i32x4Add().i32(16).i32x4ShrU();
  }

  /** [u16 patterns as i32x4] → [fp32 bit patterns] (exact; NaN payloads and −0 kept). */
  decodeF16(): void {
    const { f, t0: h, t1: o, t2: e } = this;
    f.set(h);
    f.get(h);
    this.k(0x7fff).v128And().i32(13).i32x4Shl().tee(o);
    this.k(0x0f800000).v128And().set(e);
    // Rebias the exponent (15 → 127); Inf/NaN (exponent 31) get the rest of the way to 255.
    f.get(o);
    this.k(0x38000000).i32x4Add();
    f.get(e);
    this.k(0x0f800000).i32x4Eq();
    this.k(0x38000000).v128And().i32x4Add().set(o);
    // Exponent 0: (2⁻¹⁴ + m·2⁻²⁴) − 2⁻¹⁴ = m·2⁻²⁴, exact (m = 0 gives +0).
    f.get(o);
    this.k(0x00800000).i32x4Add();
    this.k(0x38800000).f32x4Sub();
    f.get(o).get(e);
    this.k(0).i32x4Eq().v128Bitselect();
    f.get(h);
    this.k(0x8000).v128And().i32(16).i32x4Shl().v128Or();
  }

  /** [u16 patterns as i32x4] → [fp32 bit patterns]: bf16 is the top half of an fp32. */
  decodeBF16(): void {
    this.f.i32(16).i32x4Shl();
  }

  /** [fp32 bit patterns] → [fp16 patterns as i32x4], as f32BitsToF16Bits (round to nearest even, overflow to ±Inf). */
  encodeF16(): void {
    const { f, t0: x, t1: a, t2: m } = this;
    f.set(x);
    f.get(x);
    this.k(0x7fffffff).v128And().tee(a);
    f.i32(13).i32x4ShrU();
    this.k(0x3ff).v128And().set(m);
    // Subnormal results (|v| < 2⁻¹⁴): the bits of |v| + 0.5 above those of 0.5.
    f.get(a);
    this.k(0x3f000000).f32x4Add();
    this.k(0x3f000000).i32x4Sub();
    // Normal results: rebias and round on the bit pattern; a carry may reach the exponent, up to Inf.
    f.get(a);
    this.k((0xfff - 0x38000000) | 0).i32x4Add();
    f.get(a).i32(13).i32x4ShrU();
    this.k(1).v128And().i32x4Add().i32(13).i32x4ShrU();
    // |v| ≥ 65536 and Inf: 0x7c00; NaN: 0x7c00 | top payload bits, or the quiet bit when those are all 0.
    this.k(0x7c00);
    f.get(m).get(m);
    this.k(0).i32x4Eq();
    this.k(0x200).v128And().v128Or();
    f.get(a);
    this.k(0x7f800000).i32x4GtS().v128And().v128Or();
    f.get(a);
    this.k(0x47800000).i32x4LtS().v128Bitselect();
    f.get(a);
    this.k(0x38800000).i32x4LtS().v128Bitselect();
    f.get(x).i32(16).i32x4ShrU();
    this.k(0x8000).v128And().v128Or();
  }

  /** [fp32 bit patterns] → [bf16 patterns as i32x4], as f32BitsToBF16Bits (NaN: top half, quiet bit if it would read as Inf). */
  encodeBF16(): void {
    const { f, t0: x, t1: top } = this;
    f.set(x);
    f.get(x).i32(16).i32x4ShrU().tee(top);
    f.get(top);
    this.k(0x7f).v128And();
    this.k(0).i32x4Eq();
    this.k(0x40).v128And().v128Or();
    f.get(x);
    this.k(0x7fff).i32x4Add();
    f.get(top);
    this.k(1).v128And().i32x4Add().i32(16).i32x4ShrU();
    f.get(x);
    this.k(0x7fffffff).v128And();
    this.k(0x7f800000).i32x4GtS().v128Bitselect();
  }

  /**
   * [base, delta] fp32 → base + delta, except that a NaN base gives that NaN with its quiet bit set (what the
   * hardware does, made explicit so it does not depend on which operand the compiler puts first).
   */
  addKeepingNaN(): void {
    const { f, t0: d, t1: b } = this;
    f.set(d).set(b);
    f.get(b);
    this.k(0x00400000).v128Or();
    f.get(b).get(d).f32x4Add();
    f.get(b).get(b).f32x4Ne().v128Bitselect();
  }
}
