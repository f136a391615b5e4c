/**
 * A baked F16 / BF16 tensor must not hold ±Inf or NaN where its base value was finite: base + strength·ΔW then
 * overflowed the output dtype (fp16's largest value is 65504) and the model would break silently. The encoded
 * output is scanned block by block, before the block goes to its sink (so nothing of it is written; a failed
 * Save Model leaves no file). Cheap: one pass over 16-bit patterns; the base is read only when a non-finite
 * value is found. Values non-finite in the base itself pass (they were not produced by the bake), and so do
 * F32 / fp8 outputs (F32 overflow is refused earlier, in the LoRA's ΔW; fp8 has its own overflow policy).
 */
import { EngineError } from '../../errors.js';
import { DTYPE_INFO, HALF_FLOAT_BITS } from '../../tensor-io/dtypes.js';
import { decodeFloat } from '../../tensor-io/float-convert.js';
import { readTensorBytesSync } from '../../tensor-io/positional-read.js';
import { loadedLowRankBakeKernels } from './kernels/low-rank-bake-wasm.js';
import type { TensorJob } from './patch-spec.js';

/** Output bytes at `offset` of the tensor; throws EngineError 'output-overflow' at the first overflowed value. */
export type OverflowCheck = (bytes: Uint8Array, offset: number) => void;

/** The check for a patched F16 / BF16 output, or undefined where there is nothing to check. */
export function outputOverflowCheck(job: TensorJob): OverflowCheck | undefined {
  if ((job.outDtype !== 'F16' && job.outDtype !== 'BF16') || job.patches.length === 0 || job.allowOverflow) return undefined;
  const mask = HALF_FLOAT_BITS[job.outDtype].exponent;
  let base: Uint8Array | undefined;
  const baseIsFinite = (index: number): boolean => {
    base ??= readTensorBytesSync(job.entry);
    const size = DTYPE_INFO[job.entry.dtype].bytes;
    return Number.isFinite(decodeFloat(base.subarray(index * size, (index + 1) * size), job.entry.dtype)[0]!);
  };
  return (bytes, offset) => {
    const halves = bytes.byteOffset % 2 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >>> 1) : new Uint16Array(bytes.slice().buffer);
    const next = allOnesExponentScanner(halves, mask);
    for (let i = next(0); i >= 0; i = next(i + 1)) {
      const index = (offset >>> 1) + i;
      if (!baseIsFinite(index)) continue;
      throw overflowError(job, index);
    }
  };
}

/**
 * nextAllOnesExponent over `halves` from an index on: the kernel's SIMD scan where the halves lie in its
 * memory (the fused bake's output blocks: a 128 KiB block in ~5 µs against ~27 µs in JS; the JS scan was
 * ~5 % of the SD 1.5 bake's worker time), else the JS scan.
 */
export function allOnesExponentScanner(halves: Uint16Array, mask: number): (from: number) => number {
  const kernels = loadedLowRankBakeKernels();
  if (kernels && halves.buffer === kernels.memory.buffer) {
    return (from) => {
      if (from >= halves.length) return -1;
      const found = kernels.firstAllOnesExponent(halves.byteOffset + 2 * from, halves.length - from, mask);
      return found < 0 ? -1 : from + found;
    };
  }
  return (from) => nextAllOnesExponent(halves, mask, from);
}

/**
 * The first index ≥ `from` of a value in `halves` whose exponent bits (`mask`: 0x7c00 for F16, 0x7f80 for
 * BF16) are all ones, or -1. Two values per 32-bit word: y = ~w & mask·2 has a zero half exactly where an
 * exponent is all ones, and (y − lowest mask bit·2) then sets that half's top bit (a borrow), never another's;
 * so a word without one costs a not, an and, a subtract and a test. This runs over every value a bake writes.
 */
export function nextAllOnesExponent(halves: Uint16Array, mask: number, from: number): number {
  const n = halves.length;
  let i = from;
  const aligned = (halves.byteOffset + 2 * i) % 4 === 0 ? i : i + 1;
  for (; i < Math.min(aligned, n); i++) if ((halves[i]! & mask) === mask) return i;
  if (i >= n) return -1;
  const words = new Uint32Array(halves.buffer, halves.byteOffset + 2 * i, (n - i) >>> 1);
  const pair = mask | (mask << 16);
  const borrow = (mask & -mask) * 0x10001;
  const hit = (w: number): number => {
    const at = i + 2 * w;
    return (halves[at]! & mask) === mask ? at : at + 1;
  };
  let w = 0;
  // Four words per test while none has one (the common case); the word that has one is found after.
  for (const end4 = words.length - 3; w < end4; w += 4) {
    if ((((~words[w]! & pair) - borrow) | ((~words[w + 1]! & pair) - borrow) | ((~words[w + 2]! & pair) - borrow) | ((~words[w + 3]! & pair) - borrow)) & 0x80008000) break;
  }
  for (; w < words.length; w++) if (((~words[w]! & pair) - borrow) & 0x80008000) return hit(w);
  for (i += 2 * words.length; i < n; i++) if ((halves[i]! & mask) === mask) return i;
  return -1;
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
