/**
 * IEEE binary16 ⇄ binary32 on bit patterns. Decoding is exact and table-driven (one lookup of the fp32 bit
 * pattern per element, written through a Uint32Array so NaN payloads survive); encoding rounds to nearest,
 * ties to even, with overflow to ±Inf as PyTorch's `.to(torch.float16)` does. NaNs stay NaN with their sign
 * and top payload bits (PyTorch writes the canonical 0x7e00; the value is the same NaN either way).
 */

let decodeTable: Uint32Array | undefined;

/** fp32 bit pattern of every fp16 bit pattern (256 KiB, built on first use). */
export function fp16ToF32BitsTable(): Uint32Array {
  if (decodeTable) return decodeTable;
  const t = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      t[h] = (sign | 0x7f800000 | (mant << 13)) >>> 0;
    } else if (exp !== 0) {
      t[h] = (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
    } else if (mant === 0) {
      t[h] = sign >>> 0;
    } else {
      // Subnormal: normalise the mantissa so its leading 1 becomes the implicit bit.
      const lead = 31 - Math.clz32(mant);
      const e = lead - 24 + 127;
      t[h] = (sign | (e << 23) | ((mant << (23 - lead)) & 0x7fffff)) >>> 0;
    }
  }
  decodeTable = t;
  return t;
}

/** fp32 bit pattern → fp16 bit pattern, round to nearest even. */
export function f32BitsToF16Bits(x: number): number {
  const a = x & 0x7fffffff;
  // Normal fp16 results: |v| in [2^-14, 2^16). The carry of the rounding bias may bump the exponent, up to Inf.
  const h = (a - 0x38800000) >>> 0 < 0x0f000000 ? (a - 0x38000000 + 0xfff + ((a >>> 13) & 1)) >>> 13 : f16Special(a);
  return ((x >>> 16) & 0x8000) | h;
}

/** Magnitude bits for subnormal results, zero, overflow, Inf and NaN (`a` has no sign bit). */
function f16Special(a: number): number {
  if (a < 0x38800000) {
    const shift = 126 - (a >>> 23);
    if (shift > 24) return 0;
    const m = (a & 0x7fffff) | 0x800000;
    return (m + (1 << (shift - 1)) - 1 + ((m >>> shift) & 1)) >>> shift;
  }
  if (a > 0x7f800000) return 0x7c00 | ((a >>> 13) & 0x3ff || 0x200);
  return 0x7c00;
}

/** fp16 bits of `out.length` elements from the fp32 bit patterns in `src`. */
export function encodeF16(src: Uint32Array, out: Uint16Array): void {
  // Unrolled by four: V8 keeps the typed-array bases in registers and the loop runs ~20–90 % faster.
  const n = out.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = src[i]!;
    const x1 = src[i + 1]!;
    const x2 = src[i + 2]!;
    const x3 = src[i + 3]!;
    out[i] = f32BitsToF16Bits(x0);
    out[i + 1] = f32BitsToF16Bits(x1);
    out[i + 2] = f32BitsToF16Bits(x2);
    out[i + 3] = f32BitsToF16Bits(x3);
  }
  for (; i < n; i++) out[i] = f32BitsToF16Bits(src[i]!);
}

/** fp32 bit patterns (into `out`) of the fp16 bit patterns in `src`. */
export function decodeF16(src: Uint16Array, out: Uint32Array): void {
  lookupAll(src, out, fp16ToF32BitsTable());
}

/** out[i] = table[src[i]], unrolled by four (see encodeF16). */
export function lookupAll(src: Uint16Array | Uint8Array, out: Uint32Array, table: Uint32Array): void {
  const n = src.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = src[i]!;
    const b = src[i + 1]!;
    const c = src[i + 2]!;
    const d = src[i + 3]!;
    out[i] = table[a]!;
    out[i + 1] = table[b]!;
    out[i + 2] = table[c]!;
    out[i + 3] = table[d]!;
  }
  for (; i < n; i++) out[i] = table[src[i]!]!;
}
