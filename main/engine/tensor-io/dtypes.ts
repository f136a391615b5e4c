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

export function isDType(s: string): s is DType {
  return Object.prototype.hasOwnProperty.call(DTYPE_INFO, s);
}

export function isFloatDType(d: DType): boolean {
  return DTYPE_INFO[d].float;
}

export function dtypeBytes(d: DType): number {
  return DTYPE_INFO[d].bytes;
}

export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
