import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../main/engine/tensor-io/dtypes.js';
import {
  castTensorBytes,
  decodeFloat,
  encodeFloat,
  f32BitsToBF16Bits,
  f32BitsToF16Bits,
  f32BitsToF8E4M3Bits,
  f32BitsToF8E5M2Bits,
  float32ToFloat16Bits,
  type Fp8Overflow,
} from '../../../main/engine/tensor-io/float-convert.js';
import { seededRandom } from '../../helpers/safetensors.js';
import { BF16, E4M3, E5M2, f32FromBits, FP16, referenceDecode, referenceEncode, totalBits, type FloatFormat, type Overflow } from './float-reference.js';

interface Case {
  format: FloatFormat;
  dtype: DType;
  scalar: (f32Bits: number, overflow: Fp8Overflow) => number;
}

const CASES: Case[] = [
  { format: FP16, dtype: 'F16', scalar: (x) => f32BitsToF16Bits(x) },
  { format: BF16, dtype: 'BF16', scalar: (x) => f32BitsToBF16Bits(x) },
  { format: E4M3, dtype: 'F8_E4M3', scalar: (x, o) => f32BitsToF8E4M3Bits(x, o) },
  { format: E5M2, dtype: 'F8_E5M2', scalar: (x, o) => f32BitsToF8E5M2Bits(x, o) },
];

function isFp8(c: Case): boolean {
  return c.dtype === 'F8_E4M3' || c.dtype === 'F8_E5M2';
}

function patternsBytes(c: Case, patterns: number[]): Uint8Array {
  const width = totalBits(c.format) / 8;
  const out = new Uint8Array(patterns.length * width);
  patterns.forEach((p, i) => {
    out[i * width] = p & 0xff;
    if (width === 2) out[i * width + 1] = p >>> 8;
  });
  return out;
}

function readPatterns(c: Case, bytes: Uint8Array): number[] {
  const width = totalBits(c.format) / 8;
  const res: number[] = [];
  for (let i = 0; i < bytes.length; i += width) res.push(width === 2 ? bytes[i]! | (bytes[i + 1]! << 8) : bytes[i]!);
  return res;
}

function f32Bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length);
}

function isNaNPattern(c: Case, p: number): boolean {
  return Number.isNaN(referenceDecode(c.format, p));
}

const overflowModes = (c: Case): Array<{ mode: Fp8Overflow; ref: Overflow }> =>
  isFp8(c) ? [{ mode: 'torch', ref: 'torch' }, { mode: 'saturate', ref: 'saturate' }] : [{ mode: 'saturate', ref: 'ieee' }];

/** fp32 bit patterns that stress rounding: every exponent, mantissas at and around each format's halfway point. */
function stressPatterns(c: Case, rnd: () => number): number[] {
  const dropped = 23 - c.format.mantBits;
  const half = 1 << (dropped - 1);
  const lows = [0, 1, half - 1, half, half + 1, (1 << dropped) - 1, (2 * half) | half, 0x7fffff];
  const out: number[] = [];
  for (let sign = 0; sign < 2; sign++) {
    for (let exp = 0; exp < 256; exp++) {
      for (let k = 0; k < 16; k++) {
        const top = Math.floor(rnd() * (1 << c.format.mantBits)) << dropped;
        for (const low of lows) out.push(((sign << 31) | (exp << 23) | ((top | low) & 0x7fffff)) >>> 0);
        out.push(((sign << 31) | (exp << 23) | Math.floor(rnd() * 0x800000)) >>> 0);
      }
    }
  }
  return out;
}

describe.each(CASES)('$dtype', (c) => {
  const count = 1 << totalBits(c.format);
  const all = Array.from({ length: count }, (_, i) => i);

  it('decodes every bit pattern to the value its definition gives', () => {
    const decoded = decodeFloat(patternsBytes(c, all), c.dtype);
    for (const p of all) {
      const want = referenceDecode(c.format, p);
      const got = decoded[p]!;
      if (Number.isNaN(want)) expect(got, `pattern ${p.toString(16)}`).toBeNaN();
      else expect(Object.is(got, want), `pattern ${p.toString(16)}: got ${got}, want ${want}`).toBe(true);
    }
  });

  it('round-trips every bit pattern decode → encode, NaNs included', () => {
    const bytes = patternsBytes(c, all);
    for (const mode of overflowModes(c)) {
      const back = readPatterns(c, encodeFloat(decodeFloat(bytes, c.dtype), c.dtype, { fp8Overflow: mode.mode }));
      // Saturation maps ±Inf to ±max by definition (CUDA satfinite); every other pattern comes back unchanged.
      const want = all.map((p) => {
        const v = referenceDecode(c.format, p);
        return mode.ref === 'saturate' && !Number.isFinite(v) && !Number.isNaN(v) ? referenceEncode(c.format, v, 'saturate') : p;
      });
      expect(back).toEqual(want);
    }
  });

  it('rounds fp32 to nearest, ties to even, like the reference, on every exponent and around every halfway point', () => {
    const bits = stressPatterns(c, seededRandom(7));
    const values = new Float32Array(new Uint32Array(bits).buffer);
    for (const mode of overflowModes(c)) {
      const encoded = readPatterns(c, encodeFloat(values, c.dtype, { fp8Overflow: mode.mode }));
      let mismatches = 0;
      const firstMismatches: string[] = [];
      bits.forEach((b, i) => {
        const v = f32FromBits(b);
        const got = encoded[i]!;
        const scalar = c.scalar(b, mode.mode);
        const ok = Number.isNaN(v)
          ? isNaNPattern(c, got) && scalar === got && (got >> (totalBits(c.format) - 1)) === b >>> 31
          : got === referenceEncode(c.format, v, mode.ref) && scalar === got;
        if (!ok) {
          mismatches++;
          if (firstMismatches.length < 5) firstMismatches.push(`${b.toString(16)} (${v}) → ${got.toString(16)}, scalar ${scalar.toString(16)}, ref ${referenceEncode(c.format, v, mode.ref).toString(16)}`);
        }
      });
      expect(firstMismatches, `${mismatches} mismatches (${mode.mode})`).toEqual([]);
    }
  });

  it('agrees with the reference on arbitrary fp32 values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.constantFrom(...overflowModes(c)), (b, mode) => {
        const v = f32FromBits(b);
        const got = readPatterns(c, encodeFloat(Float32Array.of(v), c.dtype, { fp8Overflow: mode.mode }))[0]!;
        if (Number.isNaN(v)) return isNaNPattern(c, got);
        return got === referenceEncode(c.format, v, mode.ref);
      }),
      { numRuns: 20000, seed: 42 },
    );
  });

  it('decodes from unaligned and into a caller buffer', () => {
    const bytes = patternsBytes(c, all.slice(0, 300));
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const out = new Float32Array(bytes.length / (totalBits(c.format) / 8));
    const res = decodeFloat(shifted.subarray(1), c.dtype, out);
    expect(res).toBe(out);
    expect(f32Bits(res)).toEqual(f32Bits(decodeFloat(bytes, c.dtype)));
  });

  it('encodes into a caller buffer, aligned or not', () => {
    const values = Float32Array.from({ length: 257 }, (_, i) => (i - 128) / 7);
    const expected = encodeFloat(values, c.dtype);
    const width = totalBits(c.format) / 8;
    const backing = new Uint8Array(values.length * width + 1);
    const out = backing.subarray(1);
    expect(encodeFloat(values, c.dtype, { out })).toBe(out);
    expect(out).toEqual(expected);
    expect(() => encodeFloat(values, c.dtype, { out: new Uint8Array(3) })).toThrow(/output has 3 bytes/);
  });
});

describe('specific roundings', () => {
  const f16 = (v: number) => float32ToFloat16Bits(v);
  const e4 = (v: number, o: Fp8Overflow) => f32BitsToF8E4M3Bits(f32Bits(Float32Array.of(v))[0]!, o);
  const e5 = (v: number, o: Fp8Overflow) => f32BitsToF8E5M2Bits(f32Bits(Float32Array.of(v))[0]!, o);

  it('fp16: ties to even, subnormals, overflow to Inf', () => {
    expect(f16(1 + 2 ** -11)).toBe(0x3c00); // tie between 1 and 1+2^-10: even is 1
    expect(f16(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 1+2^-10 (odd) and 1+2^-9: even
    expect(f16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(f16(65504)).toBe(0x7bff);
    expect(f16(65519.99)).toBe(0x7bff);
    expect(f16(65520)).toBe(0x7c00); // tie between max (odd) and 2^16 → Inf
    expect(f16(-1e6)).toBe(0xfc00);
    expect(f16(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(f16(2 ** -25)).toBe(0x0000); // tie with 0 → 0
    expect(f16(2 ** -25 * 1.0001)).toBe(0x0001);
    expect(f16(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 units → 2
    expect(f16(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up out of the subnormals into the smallest normal
    expect(f16(-0)).toBe(0x8000);
    expect(f16(NaN) & 0x7c00).toBe(0x7c00);
    expect(f16(NaN) & 0x3ff).not.toBe(0);
  });

  it('F8_E4M3 (e4m3fn): max 448, PyTorch makes NaN past it, saturate clips', () => {
    expect(e4(1, 'torch')).toBe(0x38);
    expect(e4(448, 'torch')).toBe(0x7e);
    expect(e4(464, 'torch')).toBe(0x7e); // tie between 448 (even) and the NaN slot → 448
    expect(e4(465, 'torch')).toBe(0x7f);
    expect(e4(465, 'saturate')).toBe(0x7e);
    expect(e4(-1000, 'torch')).toBe(0xff);
    expect(e4(-1000, 'saturate')).toBe(0xfe);
    expect(e4(Infinity, 'torch')).toBe(0x7f);
    expect(e4(-Infinity, 'saturate')).toBe(0xfe);
    expect(e4(NaN, 'saturate')).toBe(0x7f);
    expect(e4(2 ** -9, 'torch')).toBe(0x01); // smallest subnormal
    expect(e4(2 ** -10, 'torch')).toBe(0x00); // tie with 0
    expect(e4(3 * 2 ** -10, 'torch')).toBe(0x02);
    expect(e4(0.0146484375, 'torch')).toBe(0x08); // 7.5·2^-9: tie between 7 (odd) and 8 → 8 = 2^-6
  });

  it('F8_E5M2: max 57344, PyTorch overflows to Inf, saturate clips', () => {
    expect(e5(1, 'torch')).toBe(0x3c);
    expect(e5(57344, 'torch')).toBe(0x7b);
    expect(e5(61439, 'torch')).toBe(0x7b);
    expect(e5(61440, 'torch')).toBe(0x7c); // tie between max (odd) and Inf → Inf
    expect(e5(61440, 'saturate')).toBe(0x7b);
    expect(e5(-Infinity, 'torch')).toBe(0xfc);
    expect(e5(Infinity, 'saturate')).toBe(0x7b);
    expect(e5(2 ** -16, 'torch')).toBe(0x01);
    expect(e5(2 ** -17, 'torch')).toBe(0x00);
    expect(e5(NaN, 'torch') & 0x7c).toBe(0x7c);
  });
});

describe('castTensorBytes and refusals', () => {
  it('returns the same bytes for the same dtype and converts float to float with one rounding', () => {
    const bytes = encodeFloat(Float32Array.of(1, 1 + 2 ** -11, 3), 'F32');
    expect(castTensorBytes(bytes, 'F32', 'F32')).toBe(bytes);
    expect(Array.from(new Uint16Array(castTensorBytes(bytes, 'F32', 'F16').buffer))).toEqual([0x3c00, 0x3c00, 0x4200]);
  });

  it('never converts integer or bool tensors', () => {
    const bytes = new Uint8Array(8);
    expect(castTensorBytes(bytes, 'I64', 'I64')).toBe(bytes);
    expect(() => castTensorBytes(bytes, 'I64', 'F32')).toThrow(/never converted/);
    expect(() => decodeFloat(bytes, 'I32')).toThrow(/not a float dtype/);
    expect(() => encodeFloat(new Float32Array(2), 'BOOL')).toThrow(/not a float dtype/);
  });

  it('refuses a byte count that is not whole elements', () => {
    expect(() => decodeFloat(new Uint8Array(3), 'F16')).toThrow(/not a whole number/);
  });

  it('F64 decodes with one rounding to fp32', () => {
    const f64 = Float64Array.of(1 + 2 ** -30, -2.5, 1e300);
    const got = decodeFloat(new Uint8Array(f64.buffer), 'F64');
    expect(Array.from(got)).toEqual([1, -2.5, Infinity]);
  });
});
