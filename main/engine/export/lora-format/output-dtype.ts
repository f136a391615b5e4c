/**
 * The dtype of a LoRA export: what was asked, or ('same') the inputs' float dtype: the one dtype their float
 * tensors share, fp16 when they are mixed (what most LoRA files use). F64 inputs give fp32; fp8 inputs fp16
 * (fp8 is too coarse for LoRA factors). A LoRA with no input file (computed in memory) is written in fp32.
 */
import { SafetensorsFile } from '../../tensor-io/safetensors-file.js';
import { isFloatDType, type DType } from '../../tensor-io/dtypes.js';

export type LoraDtype = 'F32' | 'F16' | 'BF16';

export function asLoraDtype(d: DType): LoraDtype {
  if (d === 'F16' || d === 'BF16' || d === 'F32') return d;
  return d === 'F64' ? 'F32' : 'F16';
}

export async function inputsFloatDtype(inputs: readonly string[]): Promise<LoraDtype> {
  const seen = new Set<LoraDtype>();
  for (const file of inputs) {
    const f = await SafetensorsFile.open(file);
    try {
      for (const e of f.entries) if (isFloatDType(e.dtype) && e.shape.length > 0) seen.add(asLoraDtype(e.dtype));
    } finally {
      await f.close();
    }
  }
  if (seen.size === 0) return 'F32';
  return seen.size === 1 ? [...seen][0]! : 'F16';
}
