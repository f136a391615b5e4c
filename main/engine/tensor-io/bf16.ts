/**
 * bfloat16 ⇄ binary32 on bit patterns. bf16 is the top half of an fp32, so decoding is a shift; encoding
 * rounds to nearest, ties to even (overflow to ±Inf, as PyTorch does). NaNs stay NaN: when the payload
 * lives only in the dropped low bits, a quiet bit is set so the result cannot turn into Inf.
 */

/** fp32 bit pattern → bf16 bit pattern, round to nearest even. */
export function f32BitsToBF16Bits(x: number): number {
  return (x & 0x7fffffff) > 0x7f800000 ? bf16NaN(x) : (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

function bf16NaN(x: number): number {
  const top = x >>> 16;
  return top & 0x7f ? top : top | 0x40;
}

/** bf16 bits of `out.length` elements from the fp32 bit patterns in `src`. */
export function encodeBF16(src: Uint32Array, out: Uint16Array): void {
  const n = out.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x0 = src[i]!;
    const x1 = src[i + 1]!;
    const x2 = src[i + 2]!;
    const x3 = src[i + 3]!;
    out[i] = f32BitsToBF16Bits(x0);
    out[i + 1] = f32BitsToBF16Bits(x1);
    out[i + 2] = f32BitsToBF16Bits(x2);
    out[i + 3] = f32BitsToBF16Bits(x3);
  }
  for (; i < n; i++) out[i] = f32BitsToBF16Bits(src[i]!);
}

/** fp32 bit patterns (into `out`) of the bf16 bit patterns in `src`. */
export function decodeBF16(src: Uint16Array, out: Uint32Array): void {
  const n = src.length;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = src[i]!;
    const b = src[i + 1]!;
    const c = src[i + 2]!;
    const d = src[i + 3]!;
    out[i] = a << 16;
    out[i + 1] = b << 16;
    out[i + 2] = c << 16;
    out[i + 3] = d << 16;
  }
  for (; i < n; i++) out[i] = src[i]! << 16;
}
