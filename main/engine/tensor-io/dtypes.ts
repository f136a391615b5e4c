/**
 * safetensors dtypes. Floats are computed in fp32 and rounded once (to nearest, ties to even) on output.
 * Integer and bool tensors are never converted: they are copied byte for byte.
 */
export const DTYPE_INFO = {
  F64: { bytes: 8, float: true },
  F32: { bytes: 4, float: true },
  F16: { bytes: 2, float: true },
  BF16: { bytes: 2, float: true },
  F8_E4M3: { bytes: 1, float: true },
  F8_E5M2: { bytes: 1, float: true },
  I64: { bytes: 8, float: false },
  I32: { bytes: 4, float: false },
  I16: { bytes: 2, float: false },
  I8: { bytes: 1, float: false },
  U64: { bytes: 8, float: false },
  U32: { bytes: 4, float: false },
  U16: { bytes: 2, float: false },
  U8: { bytes: 1, float: false },
  BOOL: { bytes: 1, float: false },
} as const satisfies Record<string, { bytes: number; float: boolean }>;

export type DType = keyof typeof DTYPE_INFO;

/** Float dtypes we can write (F64 is read-only: nobody ships fp64 checkpoints on purpose). */
export type WritableFloatDType = 'F32' | 'F16' | 'BF16' | 'F8_E4M3' | 'F8_E5M2';

export const WRITABLE_FLOAT_DTYPES: readonly WritableFloatDType[] = ['F32', 'F16', 'BF16', 'F8_E4M3', 'F8_E5M2'];

export function isDType(s: string): s is DType {
  return Object.prototype.hasOwnProperty.call(DTYPE_INFO, s);
}

/** Bit layout of the 16-bit floats below the sign bit: an all-ones exponent is ±Inf (zero mantissa) or NaN. */
export const HALF_FLOAT_BITS = { F16: { exponent: 0x7c00, mantissa: 0x03ff }, BF16: { exponent: 0x7f80, mantissa: 0x007f } } as const;

export function isFloatDType(d: DType): boolean {
  return DTYPE_INFO[d].float;
}

export function isWritableFloatDType(d: string): d is WritableFloatDType {
  return (WRITABLE_FLOAT_DTYPES as readonly string[]).includes(d);
}

export function dtypeBytes(d: DType): number {
  return DTYPE_INFO[d].bytes;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/** Bytes a tensor of this shape and dtype occupies (may exceed 2^53 for absurd shapes: callers validate). */
export function tensorByteLength(shape: readonly number[], dtype: DType): number {
  return elementCount(shape) * DTYPE_INFO[dtype].bytes;
}

/** The names people type (`--dtype fp16`, torch's `float8_e4m3fn`) mapped to safetensors dtypes. */
const USER_DTYPE_NAMES: Readonly<Record<string, WritableFloatDType>> = {
  fp32: 'F32',
  float32: 'F32',
  f32: 'F32',
  float: 'F32',
  fp16: 'F16',
  float16: 'F16',
  f16: 'F16',
  half: 'F16',
  bf16: 'BF16',
  bfloat16: 'BF16',
  fp8: 'F8_E4M3',
  fp8_e4m3: 'F8_E4M3',
  fp8_e4m3fn: 'F8_E4M3',
  float8_e4m3fn: 'F8_E4M3',
  f8_e4m3: 'F8_E4M3',
  fp8_e5m2: 'F8_E5M2',
  float8_e5m2: 'F8_E5M2',
  f8_e5m2: 'F8_E5M2',
};

/** `"fp16"`, `"bf16"`, `"fp8_e4m3"`, `"F32"`, … → the writable dtype, or undefined for anything else. */
export function writableDTypeFromName(name: string): WritableFloatDType | undefined {
  const key = name.trim().toLowerCase();
  if (Object.prototype.hasOwnProperty.call(USER_DTYPE_NAMES, key)) return USER_DTYPE_NAMES[key];
  const upper = name.trim().toUpperCase();
  return isWritableFloatDType(upper) ? upper : undefined;
}

/**
 * The dtype an output tensor gets: `'same'` keeps the input's; a float target applies to float tensors
 * only, because integer and bool tensors (step counters, position ids, masks) must never be converted.
 */
export function resolveOutputDType(input: DType, requested: WritableFloatDType | 'same'): DType {
  if (requested === 'same' || !isFloatDType(input)) return input;
  return requested;
}
