import { EngineError } from '../errors.js';

/**
 * Where PEFT's magnitude pruning (`topk(|τ|, k)`, k = int(density·n)) cuts one task vector: the k-th largest
 * |τ| and how many of the values equal to it survive. torch.topk breaks ties in magnitude in an unspecified,
 * device-dependent order; we keep the equal values with the lowest indices, so exactly k values survive.
 *
 * Found by radix selection on the bit patterns (for non-negative floats the IEEE bit pattern orders like the
 * value): a histogram of the top 16 bits, then of the low 16 bits inside the bin that holds the k-th value.
 * Two read passes, O(n) in the worst case, no copy of the data (50 M-element matrices occur).
 */
export interface MagnitudeCut {
  /** Bit pattern of |τ| at the cut (sign bit cleared). */
  readonly thresholdBits: number;
  /** Kept: every value with |τ| above the cut, and the first `tiesToKeep` (by index) equal to it. */
  readonly tiesToKeep: number;
}

const BINS = 65536;
const ABS_MASK = 0x7fffffff;
const POSITIVE_INFINITY_BITS = 0x7f800000;

let highCounts: Uint32Array | undefined;
let lowCounts: Uint32Array | undefined;

/** Bits of a Float32Array, read as int32 so V8 keeps them small integers. */
export function float32Bits(values: Float32Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length);
}

/** Requires 0 < k < values.length. */
export function magnitudeCut(values: Float32Array, k: number, module: string, input: number): MagnitudeCut {
  const n = values.length;
  const bits = float32Bits(values);
  const high = (highCounts ??= new Uint32Array(BINS));
  const low = (lowCounts ??= new Uint32Array(BINS));
  high.fill(0);
  for (let j = 0; j < n; j++) {
    const a = bits[j] & ABS_MASK;
    if (a > POSITIVE_INFINITY_BITS) {
      throw new EngineError('merge-not-a-number', `${module}: input ${input} has NaN at element ${j}; magnitude trimming needs numbers.`, {
        module,
        hint: 'The LoRA file or an earlier step produced NaN: check the input with `lora-studio inspect`.',
      });
    }
    high[a >>> 16]++;
  }
  let remaining = k;
  let bin = BINS - 1;
  for (; bin > 0; bin--) {
    const c = high[bin];
    if (c >= remaining) break;
    remaining -= c;
  }
  low.fill(0);
  for (let j = 0; j < n; j++) {
    const a = bits[j] & ABS_MASK;
    if (a >>> 16 === bin) low[a & 0xffff]++;
  }
  let lowBin = BINS - 1;
  for (; lowBin > 0; lowBin--) {
    const c = low[lowBin];
    if (c >= remaining) break;
    remaining -= c;
  }
  return { thresholdBits: (bin << 16) | lowBin, tiesToKeep: remaining };
}
