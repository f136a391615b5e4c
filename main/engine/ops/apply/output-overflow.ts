/**
 * A baked F16 / BF16 tensor must not hold ±Inf or NaN where its base value was finite: base + strength·ΔW then
 * overflowed the output dtype (fp16's largest value is 65504) and the model would break silently. The encoded
 * output is scanned block by block, before the block goes to its sink (so nothing of it is written; a failed
 * Save Model leaves no file). Cheap: one pass over 16-bit patterns; the base is read only when a non-finite
 * value is found. Values non-finite in the base itself pass (they were not produced by the bake), and so do
 * F32 / fp8 outputs (F32 overflow is refused earlier, in the LoRA's ΔW; fp8 has its own overflow policy).
 */
import { EngineError } from '../../errors.js';
import { DTYPE_INFO } from '../../tensor-io/dtypes.js';
import { decodeFloat } from '../../tensor-io/float-convert.js';
import { readTensorBytesSync } from '../../tensor-io/positional-read.js';
import type { TensorJob } from './patch-spec.js';

/** Bits that are all ones exactly in ±Inf and NaN. */
const EXPONENT_MASK: Readonly<Record<string, number>> = { F16: 0x7c00, BF16: 0x7f80 };

/** Output bytes at `offset` of the tensor; throws EngineError 'output-overflow' at the first overflowed value. */
export type OverflowCheck = (bytes: Uint8Array, offset: number) => void;

/** The check for a patched F16 / BF16 output, or undefined where there is nothing to check. */
export function outputOverflowCheck(job: TensorJob): OverflowCheck | undefined {
  const mask = EXPONENT_MASK[job.outDtype];
  if (mask === undefined || job.patches.length === 0 || job.allowOverflow) return undefined;
  let base: Uint8Array | undefined;
  const baseIsFinite = (index: number): boolean => {
    base ??= readTensorBytesSync(job.entry);
    const size = DTYPE_INFO[job.entry.dtype].bytes;
    return Number.isFinite(decodeFloat(base.subarray(index * size, (index + 1) * size), job.entry.dtype)[0]!);
  };
  return (bytes, offset) => {
    const n = bytes.byteLength >>> 1;
    const words = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, n) : Uint16Array.from({ length: n }, (_, i) => bytes[2 * i]! | (bytes[2 * i + 1]! << 8));
    for (let i = 0; i < n; i++) {
      if ((words[i]! & mask) !== mask) continue;
      const index = (offset >>> 1) + i;
      if (!baseIsFinite(index)) continue;
      throw overflowError(job, index);
    }
  };
}

function overflowError(job: TensorJob, index: number): EngineError {
  const { entry, outDtype } = job;
  const cols = entry.shape.length < 2 ? 1 : entry.shape.slice(1).reduce((a, b) => a * b, 1);
  const where = entry.shape.length < 2 ? `element ${index}` : `row ${Math.floor(index / cols)}, column ${index % cols}`;
  const modules = [...new Set(job.patches.map((p) => ('module' in p ? p.module : undefined)).filter((m): m is string => m !== undefined))];
  const max = outDtype === 'F16' ? '65504' : '3.39e38';
  return new EngineError(
    'output-overflow',
    `${entry.file}: tensor "${entry.name}": base + strength·ΔW overflows ${outDtype} at ${where} (beyond ±${max}); the output would hold Inf/NaN.`,
    {
      file: entry.file,
      tensor: entry.name,
      ...(modules[0] !== undefined ? { module: modules[0] } : {}),
      hint: `Lower the strength of the LoRA on it${modules.length > 0 ? ` (module${modules.length === 1 ? '' : 's'} ${modules.slice(0, 3).join(', ')}${modules.length > 3 ? ', …' : ''})` : ''}, or save the model as F32 (Save Model's dtype, --dtype fp32).`,
    },
  );
}
