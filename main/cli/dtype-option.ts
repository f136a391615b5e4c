import { writableDTypeFromName, type WritableFloatDType } from '../engine/tensor-io/dtypes.js';
import { UsageError } from './errors.js';

export const DTYPE_CHOICES = 'same|fp32|fp16|bf16|fp8_e4m3|fp8_e5m2';

export function parseDtypeOption(raw: string): WritableFloatDType | 'same' {
  if (raw === 'same') return 'same';
  const d = writableDTypeFromName(raw);
  if (!d) throw new UsageError(`--dtype ${raw}: expected one of ${DTYPE_CHOICES}.`);
  return d;
}
