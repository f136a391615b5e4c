/**
 * Float conversions between raw little-endian safetensors bytes and Float32Array.
 * Decoding is exact (every fp16/bf16/fp8 value is representable in fp32). Encoding rounds once, to
 * nearest with ties to even, as PyTorch's `.to(dtype)` does.
 */
import type { DType } from './dtypes.js';

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

let f16Table: Float32Array | undefined;
/** All 65536 fp16 values as fp32: decoding is one table lookup per element. */
function fp16Table(): Float32Array {
  if (f16Table) return f16Table;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const mant = h & 0x3ff;
    let v: number;
    if (exp === 0) v = sign * mant * 2 ** -24;
    else if (exp === 31) v = mant === 0 ? sign * Infinity : NaN;
    else v = sign * (1 + mant / 1024) * 2 ** (exp - 15);
    t[h] = v;
  }
  f16Table = t;
  return t;
}

export function float32ToFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let h = mant >>> shift;
    if (rest > half || (rest === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++;
  return sign | h;
}

export function float32ToBFloat16Bits(value: number): number {
  f32Scratch[0] = value;
  const x = u32Scratch[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  const rounding = 0x7fff + ((x >>> 16) & 1);
  return ((x + rounding) >>> 16) & 0xffff;
}

function littleEndianView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes float tensor bytes into a new Float32Array. */
export function decodeFloat(bytes: Uint8Array, dtype: DType, out?: Float32Array): Float32Array {
  switch (dtype) {
    case 'F32': {
      const n = bytes.byteLength >>> 2;
      const res = out ?? new Float32Array(n);
      if (bytes.byteOffset % 4 === 0) res.set(new Float32Array(bytes.buffer, bytes.byteOffset, n));
      else res.set(new Float32Array(bytes.slice().buffer));
      return res;
    }
    case 'F16': {
      const n = bytes.byteLength >>> 1;
      const res = out ?? new Float32Array(n);
      const t = fp16Table();
      if (bytes.byteOffset % 2 === 0) {
        const u16 = new Uint16Array(bytes.buffer, bytes.byteOffset, n);
        for (let i = 0; i < n; i++) res[i] = t[u16[i]!]!;
      } else {
        for (let i = 0; i < n; i++) res[i] = t[bytes[2 * i]! | (bytes[2 * i + 1]! << 8)]!;
      }
      return res;
    }
    case 'BF16': {
      const n = bytes.byteLength >>> 1;
      const res = out ?? new Float32Array(n);
      const u32 = new Uint32Array(res.buffer, res.byteOffset, n);
      for (let i = 0; i < n; i++) u32[i] = ((bytes[2 * i]! | (bytes[2 * i + 1]! << 8)) << 16) >>> 0;
      return res;
    }
    case 'F64': {
      const n = bytes.byteLength >>> 3;
      const res = out ?? new Float32Array(n);
      const dv = littleEndianView(bytes);
      for (let i = 0; i < n; i++) res[i] = dv.getFloat64(8 * i, true);
      return res;
    }
    default:
      throw new Error(`decodeFloat: ${dtype} is not a float dtype this build decodes`);
  }
}

/** Encodes fp32 values into tensor bytes of `dtype`, rounding to nearest even once. */
export function encodeFloat(values: Float32Array, dtype: DType): Uint8Array {
  const n = values.length;
  switch (dtype) {
    case 'F32':
      return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + n * 4));
    case 'F16': {
      const u16 = new Uint16Array(n);
      for (let i = 0; i < n; i++) u16[i] = float32ToFloat16Bits(values[i]!);
      return new Uint8Array(u16.buffer);
    }
    case 'BF16': {
      const u16 = new Uint16Array(n);
      for (let i = 0; i < n; i++) u16[i] = float32ToBFloat16Bits(values[i]!);
      return new Uint8Array(u16.buffer);
    }
    default:
      throw new Error(`encodeFloat: cannot write ${dtype}`);
  }
}
