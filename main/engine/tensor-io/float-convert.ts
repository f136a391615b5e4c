/**
 * Float conversions between raw little-endian safetensors bytes and Float32Array.
 * Decoding is exact (every fp16/bf16/fp8 value is representable in fp32; F64 is rounded to fp32 once).
 * Encoding rounds once, to nearest with ties to even, as PyTorch's `.to(dtype)` does; fp8 overflow follows
 * `Fp8Overflow` (fp8.ts). Work happens on bit patterns through Uint32Array views, so NaN payloads and the
 * sign of zero survive a decode → encode round trip bit for bit.
 */
import { DTYPE_INFO, isFloatDType, type DType } from './dtypes.js';
import { decodeBF16, encodeBF16 } from './bf16.js';
import { decodeF16, encodeF16 } from './fp16.js';
import { decodeF8, encodeF8E4M3, encodeF8E5M2, f8e4m3ToF32BitsTable, f8e5m2ToF32BitsTable, type Fp8Overflow } from './fp8.js';

export { f32BitsToF16Bits } from './fp16.js';
export { f32BitsToBF16Bits } from './bf16.js';
export { f32BitsToF8E4M3Bits, f32BitsToF8E5M2Bits, F8_E4M3_MAX, F8_E5M2_MAX, type Fp8Overflow } from './fp8.js';

// Typed-array views are host-endian and safetensors is little-endian; every platform Node ships on is too.
if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('LoRA Studio needs a little-endian CPU: safetensors data is little-endian.');
}

export interface EncodeOptions {
  /** Where to write (exactly elements × dtype size bytes); a new buffer when absent. */
  out?: Uint8Array;
  /** fp8 only: what values past the largest finite one become (default 'saturate'; see fp8.ts). */
  fp8Overflow?: Fp8Overflow;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);

function f32BitsOf(value: number): number {
  f32Scratch[0] = value;
  return u32Scratch[0]!;
}

/** Rounds one number to fp16 bits (after rounding it to fp32, as a Float32Array store would). */
export function float32ToFloat16Bits(value: number): number {
  return encodeOne(value, 'F16');
}

export function float32ToBFloat16Bits(value: number): number {
  return encodeOne(value, 'BF16');
}

function encodeOne(value: number, dtype: 'F16' | 'BF16'): number {
  u32Scratch[0] = f32BitsOf(value);
  const out = new Uint16Array(1);
  if (dtype === 'F16') encodeF16(u32Scratch, out);
  else encodeBF16(u32Scratch, out);
  return out[0]!;
}

/** A view of `bytes` as `T` elements when its offset is aligned, else an aligned copy. */
function aligned<T>(bytes: Uint8Array, size: number, make: (buf: ArrayBufferLike, offset: number, length: number) => T): T {
  const n = Math.floor(bytes.byteLength / size);
  if (bytes.byteOffset % size === 0) return make(bytes.buffer, bytes.byteOffset, n);
  return make(bytes.slice(0, n * size).buffer, 0, n);
}

function checkLength(bytes: Uint8Array, dtype: DType): number {
  const size = DTYPE_INFO[dtype].bytes;
  if (bytes.byteLength % size !== 0) {
    throw new RangeError(`${bytes.byteLength} bytes is not a whole number of ${dtype} elements (${size} bytes each).`);
  }
  return bytes.byteLength / size;
}

/** Decodes float tensor bytes into `out` (length = element count) or a new Float32Array. */
export function decodeFloat(bytes: Uint8Array, dtype: DType, out?: Float32Array): Float32Array {
  const n = checkLength(bytes, dtype);
  if (!isFloatDType(dtype)) throw new TypeError(`decodeFloat: ${dtype} is not a float dtype (integer and bool tensors are copied, never converted).`);
  const res = out ?? new Float32Array(n);
  if (res.length !== n) throw new RangeError(`decodeFloat: output holds ${res.length} elements, the data has ${n}.`);
  const resBits = new Uint32Array(res.buffer, res.byteOffset, n);
  switch (dtype) {
    case 'F32':
      resBits.set(aligned(bytes, 4, (b, o, l) => new Uint32Array(b, o, l)));
      break;
    case 'F16':
      decodeF16(aligned(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)), resBits);
      break;
    case 'BF16':
      decodeBF16(aligned(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)), resBits);
      break;
    case 'F8_E4M3':
      decodeF8(bytes, resBits, f8e4m3ToF32BitsTable());
      break;
    case 'F8_E5M2':
      decodeF8(bytes, resBits, f8e5m2ToF32BitsTable());
      break;
    case 'F64':
      res.set(aligned(bytes, 8, (b, o, l) => new Float64Array(b, o, l)));
      break;
  }
  return res;
}

/**
 * Encodes fp32 values as `dtype` bytes, rounding to nearest even once. Without `options.out`, F32 returns a
 * view of `values` itself (no copy: do not modify `values` until the bytes are written).
 */
export function encodeFloat(values: Float32Array, dtype: DType, options: EncodeOptions = {}): Uint8Array {
  if (!isFloatDType(dtype)) throw new TypeError(`encodeFloat: ${dtype} is not a float dtype (integer and bool tensors are copied, never converted).`);
  const n = values.length;
  const size = DTYPE_INFO[dtype].bytes;
  const { out } = options;
  if (out && out.byteLength !== n * size) {
    throw new RangeError(`encodeFloat: output has ${out.byteLength} bytes, ${n} ${dtype} elements need ${n * size}.`);
  }
  const src = new Uint32Array(values.buffer, values.byteOffset, n);
  if (dtype === 'F32') {
    const view = new Uint8Array(values.buffer, values.byteOffset, n * 4);
    if (!out) return view;
    out.set(view);
    return out;
  }
  const res = out ?? new Uint8Array(n * size);
  if (dtype === 'F8_E4M3' || dtype === 'F8_E5M2') {
    const overflow = options.fp8Overflow ?? 'saturate';
    if (dtype === 'F8_E4M3') encodeF8E4M3(src, res, overflow);
    else encodeF8E5M2(src, res, overflow);
    return res;
  }
  if (dtype === 'F64') {
    const f64 = new Float64Array(n);
    for (let i = 0; i < n; i++) f64[i] = values[i]!;
    res.set(new Uint8Array(f64.buffer));
    return res;
  }
  const direct = res.byteOffset % 2 === 0;
  const u16 = direct ? new Uint16Array(res.buffer, res.byteOffset, n) : new Uint16Array(n);
  if (dtype === 'F16') encodeF16(src, u16);
  else encodeBF16(src, u16);
  if (!direct) res.set(new Uint8Array(u16.buffer));
  return res;
}

/**
 * Converts tensor bytes between dtypes: the same dtype returns `bytes` untouched; float → float decodes and
 * rounds once; anything involving an integer or bool dtype is refused (they are only ever copied).
 */
export function castTensorBytes(bytes: Uint8Array, from: DType, to: DType, options: EncodeOptions = {}): Uint8Array {
  if (from === to) return bytes;
  if (!isFloatDType(from) || !isFloatDType(to)) throw new TypeError(`castTensorBytes: ${from} → ${to}: integer and bool tensors are never converted.`);
  const values = decodeFloat(bytes, from);
  return encodeFloat(values, to, options);
}
