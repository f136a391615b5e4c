/**
 * WGSL decode/encode of F16, BF16 and F32 on u32 bit patterns, the same rounding as tensor-io's
 * f32BitsToF16Bits / f32BitsToBF16Bits (round to nearest even; fp16 subnormals; overflow to Inf; NaN kept
 * with its top payload bits and quieted). Integer arithmetic only: WGSL's pack2x16float leaves rounding and
 * overflow to the implementation, and shader-f16 is an optional feature.
 * Not guaranteed on a GPU: fp32 subnormal operands and results of the arithmetic (many GPUs flush them to 0)
 * and the payload of a NaN produced by the arithmetic.
 */
import type { KernelDType } from './simd-float-codecs.js';

export const WGSL_FLOAT_CODECS = /* wgsl */ `
fn f16_to_f32(h: u32) -> f32 {
  let s = (h & 0x8000u) << 16u;
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  if (e == 0u) {
    let v = f32(m) * 5.9604644775390625e-8;
    return select(v, -v, s != 0u);
  }
  if (e == 31u) { return bitcast<f32>(s | 0x7f800000u | (m << 13u)); }
  return bitcast<f32>(s | ((e + 112u) << 23u) | (m << 13u));
}

fn f32_to_f16(v: f32) -> u32 {
  let x = bitcast<u32>(v);
  let a = x & 0x7fffffffu;
  let sign = (x >> 16u) & 0x8000u;
  if (a - 0x38800000u < 0x0f000000u) {
    return sign | ((a - 0x38000000u + 0xfffu + ((a >> 13u) & 1u)) >> 13u);
  }
  if (a < 0x38800000u) {
    let shift = 126u - (a >> 23u);
    if (shift > 24u) { return sign; }
    let m = (a & 0x7fffffu) | 0x800000u;
    return sign | ((m + (1u << (shift - 1u)) - 1u + ((m >> shift) & 1u)) >> shift);
  }
  if (a > 0x7f800000u) {
    let p = (a >> 13u) & 0x3ffu;
    return sign | 0x7c00u | select(p, 0x200u, p == 0u);
  }
  return sign | 0x7c00u;
}

fn bf16_to_f32(h: u32) -> f32 { return bitcast<f32>(h << 16u); }

fn f32_to_bf16(v: f32) -> u32 {
  let x = bitcast<u32>(v);
  if ((x & 0x7fffffffu) > 0x7f800000u) {
    let top = x >> 16u;
    return select(top | 0x40u, top, (top & 0x7fu) != 0u);
  }
  return (x + 0x7fffu + ((x >> 16u) & 1u)) >> 16u;
}
`;

/** WGSL that reads element `e` of `src` (an array<u32> of packed little-endian values) as f32. */
export function wgslLoad(dtype: KernelDType, src: string, e: string): string {
  if (dtype === 'F32') return `bitcast<f32>(${src}[${e}])`;
  const half = `((${src}[(${e}) >> 1u] >> (((${e}) & 1u) * 16u)) & 0xffffu)`;
  return dtype === 'F16' ? `f16_to_f32(${half})` : `bf16_to_f32(${half})`;
}

/** The WGSL function name that turns an f32 into the dtype's bits (low 16 bits for the 16-bit types). */
export function wgslEncoder(dtype: KernelDType): string {
  return dtype === 'F32' ? 'bitcast<u32>' : dtype === 'F16' ? 'f32_to_f16' : 'f32_to_bf16';
}
