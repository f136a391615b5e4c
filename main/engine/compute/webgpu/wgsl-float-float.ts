/**
 * Double-single ("float-float") arithmetic in WGSL: a value is the unevaluated sum hi + lo of two f32
 * (a vec2f), about 48 significant bits, in f32's exponent range. Used where WGSL has no f64 (gpu-gram.ts).
 *
 * Products are made exact without fma() (WGSL does not promise a fused one on every backend): `ff_split`
 * cuts an f32 into two halves of at most 12 significant bits by masking the low 12 stored bits (no Veltkamp
 * multiply that a compiler could contract), so each of the four partial products hi·hi, hi·lo, lo·hi, lo·lo
 * has at most 24 bits and is exact in f32 (given no underflow: the caller keeps operands in range). A
 * compiler that contracts `acc + a·b` into an fma then changes nothing, because a·b is exact anyway.
 * Sums use Knuth's TwoSum (no ordering assumption) and Dekker's FastTwoSum to renormalise. Compilers do
 * rewrite their float algebra: Mesa's llvmpipe turned TwoSum's error term into 0 (measured), so every
 * intermediate the rewrite would need goes through `ff_keep`, an OR with a zero the compiler cannot know (the
 * entry point sets `ff_zero` from a uniform). The caller still checks the result at run time on each device
 * (gpu-gram.ts `selfCheck`) and falls back to the CPU when it is wrong.
 */
export const WGSL_FLOAT_FLOAT = /* wgsl */ `
// 0, set by the entry point from a uniform so the compiler cannot know it (see ff_keep).
var<private> ff_zero: u32;

// v, through an integer operation the compiler cannot see into: without it Mesa (llvmpipe) simplifies
// (a + b) - a to b and TwoSum's error term to 0 (a multiplication by an opaque 1.0 is not enough: it
// factors common multipliers out of sums).
fn ff_keep(v: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(v) | ff_zero);
}

// a = hi + lo exactly, each with at most 12 significant bits.
fn ff_split(a: f32) -> vec2f {
  let hi = bitcast<f32>(bitcast<u32>(a) & 0xfffff000u);
  return vec2f(hi, a - hi);
}

// s + e = a + b exactly (Knuth; any magnitudes).
fn ff_two_sum(a: f32, b: f32) -> vec2f {
  let s = ff_keep(a + b);
  let bb = ff_keep(s - a);
  let e = (a - ff_keep(s - bb)) + (b - bb);
  return vec2f(s, e);
}

// s + e = a + b exactly, for |a| >= |b| or a = 0 (Dekker).
fn ff_fast_two_sum(a: f32, b: f32) -> vec2f {
  let s = ff_keep(a + b);
  return vec2f(s, b - ff_keep(s - a));
}

// acc + x, renormalised (error about 2u² of |acc + x|, u = 2^-24, when there is no cancellation).
fn ff_add_f(acc: vec2f, x: f32) -> vec2f {
  let s = ff_two_sum(acc.x, x);
  return ff_fast_two_sum(s.x, s.y + acc.y);
}

// a + b, the accurate float-float sum (relative error about 3u² of |a + b| whatever the signs).
fn ff_add(a: vec2f, b: vec2f) -> vec2f {
  var s = ff_two_sum(a.x, b.x);
  let t = ff_two_sum(a.y, b.y);
  s = ff_fast_two_sum(s.x, s.y + t.x);
  return ff_fast_two_sum(s.x, s.y + t.y);
}

// acc + a·b with a = a2.x + a2.y and b = b2.x + b2.y split by ff_split: four exact products, largest first.
fn ff_add_product(acc: vec2f, a2: vec2f, b2: vec2f) -> vec2f {
  var r = ff_add_f(acc, a2.x * b2.x);
  r = ff_add_f(r, a2.x * b2.y);
  r = ff_add_f(r, a2.y * b2.x);
  return ff_add_f(r, a2.y * b2.y);
}
`;
