/**
 * An independent reference for the float formats, written from the definitions rather than from bit tricks:
 * a format is (exponent bits, mantissa bits, how its top exponent is used); a bit pattern's value is
 * computed with powers of two in float64; rounding picks the nearest representable value by searching the
 * sorted list of all values, ties going to the even bit pattern. Slow, obviously right, exact in float64
 * (every fp32 input and every midpoint between neighbours of these formats is a float64).
 */
export interface FloatFormat {
  name: string;
  expBits: number;
  mantBits: number;
  /** 'ieee': top exponent is Inf/NaN; 'fn': only the all-ones pattern is NaN (float8_e4m3fn), no Inf. */
  top: 'ieee' | 'fn';
}

export const FP16: FloatFormat = { name: 'F16', expBits: 5, mantBits: 10, top: 'ieee' };
export const BF16: FloatFormat = { name: 'BF16', expBits: 8, mantBits: 7, top: 'ieee' };
export const E4M3: FloatFormat = { name: 'F8_E4M3', expBits: 4, mantBits: 3, top: 'fn' };
export const E5M2: FloatFormat = { name: 'F8_E5M2', expBits: 5, mantBits: 2, top: 'ieee' };

export function totalBits(f: FloatFormat): number {
  return 1 + f.expBits + f.mantBits;
}

/** The value of a bit pattern: a float64 number, NaN, or ±Infinity. */
export function referenceDecode(f: FloatFormat, bits: number): number {
  const signBit = 1 << (f.expBits + f.mantBits);
  const sign = bits & signBit ? -1 : 1;
  const exp = (bits >> f.mantBits) & ((1 << f.expBits) - 1);
  const mant = bits & ((1 << f.mantBits) - 1);
  const expMax = (1 << f.expBits) - 1;
  const bias = (1 << (f.expBits - 1)) - 1;
  if (f.top === 'ieee' && exp === expMax) return mant === 0 ? sign * Infinity : NaN;
  if (f.top === 'fn' && exp === expMax && mant === (1 << f.mantBits) - 1) return NaN;
  if (exp === 0) return sign * mant * 2 ** (1 - bias - f.mantBits);
  return sign * (1 + mant / 2 ** f.mantBits) * 2 ** (exp - bias);
}

interface Ladder {
  /** Non-negative finite values in increasing order, with their bit patterns. */
  values: number[];
  bits: number[];
  /** The value one step above the largest finite one (where rounding up overflows) and its pattern. */
  overflowAt: number;
  overflowBits: number;
  maxBits: number;
  nanBits: number;
}

const ladders = new Map<string, Ladder>();

function ladder(f: FloatFormat): Ladder {
  const cached = ladders.get(f.name);
  if (cached) return cached;
  const values: number[] = [];
  const bits: number[] = [];
  const signBit = 1 << (f.expBits + f.mantBits);
  for (let b = 0; b < signBit; b++) {
    const v = referenceDecode(f, b);
    if (Number.isFinite(v)) {
      values.push(v);
      bits.push(b);
    }
  }
  const maxBits = bits[bits.length - 1]!;
  const ulpAtMax = values[values.length - 1]! - values[values.length - 2]!;
  const l: Ladder = {
    values,
    bits,
    // The next pattern after max is Inf (ieee) or NaN (fn); its "value" is max + one ulp, and it is even.
    overflowAt: values[values.length - 1]! + ulpAtMax,
    overflowBits: maxBits + 1,
    maxBits,
    nanBits: f.top === 'fn' ? maxBits + 1 : ((1 << f.expBits) - 1) << f.mantBits | (1 << (f.mantBits - 1)),
  };
  ladders.set(f.name, l);
  return l;
}

export type Overflow = 'ieee' | 'torch' | 'saturate';

/**
 * Nearest representable pattern to `v` (already an fp32 value), ties to the even pattern.
 * Overflow: 'ieee'/'torch' keep the pattern rounding produced past max (Inf for ieee formats, NaN for fn,
 * with ±Inf input giving that same pattern); 'saturate' gives ±max instead.
 */
export function referenceEncode(f: FloatFormat, v: number, overflow: Overflow): number {
  const l = ladder(f);
  const signBit = 1 << (f.expBits + f.mantBits);
  if (Number.isNaN(v)) return l.nanBits;
  const sign = v < 0 || Object.is(v, -0) ? signBit : 0;
  const a = Math.abs(v);
  let pattern: number;
  if (a >= l.overflowAt) {
    pattern = l.overflowBits;
  } else {
    let lo = 0;
    let hi = l.values.length - 1;
    if (a >= l.values[hi]!) {
      // Between max and the overflow point: compare against the overflow pseudo-value.
      const dLo = a - l.values[hi]!;
      const dHi = l.overflowAt - a;
      pattern = dLo < dHi ? l.maxBits : dLo > dHi ? l.overflowBits : (l.maxBits & 1) === 0 ? l.maxBits : l.overflowBits;
    } else {
      while (hi - lo > 1) {
        const mid = (lo + hi) >> 1;
        if (l.values[mid]! <= a) lo = mid;
        else hi = mid;
      }
      const dLo = a - l.values[lo]!;
      const dHi = l.values[hi]! - a;
      pattern = dLo < dHi ? l.bits[lo]! : dLo > dHi ? l.bits[hi]! : (l.bits[lo]! & 1) === 0 ? l.bits[lo]! : l.bits[hi]!;
    }
  }
  if (pattern === l.overflowBits && overflow === 'saturate') pattern = l.maxBits;
  return sign | pattern;
}

/** fp32 bit pattern → its value as a float64. */
export function f32FromBits(bits: number): number {
  const u = new Uint32Array([bits >>> 0]);
  return new Float32Array(u.buffer)[0]!;
}
