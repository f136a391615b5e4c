/**
 * Seeded random numbers for DARE. We cannot reproduce torch's generator (PEFT draws its masks with
 * torch.bernoulli on the global torch RNG), so a given seed gives a different mask here than in PEFT; what we
 * guarantee instead is that the mask depends only on (seed, module name, input index): not on the order in
 * which modules are processed, nor on how many workers share the job.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 128-bit state, seeded through splitmix32 from two independent
 * 32-bit hashes of (seed, module, index) so that two streams coincide only if 64 hash bits collide.
 */

const GOLDEN = 0x9e3779b9;

/** murmur3's 32-bit finaliser: a bijection with full avalanche. */
function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-8 bytes of the module name. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function absorb(initial: number, words: readonly number[]): number {
  let h = initial >>> 0;
  for (const w of words) h = fmix32((h ^ w) + GOLDEN);
  return h;
}

/** Four state words from a 32-bit key, via splitmix32. */
function splitmix32(key: number, out: Uint32Array, at: number, count: number): void {
  let state = key >>> 0;
  for (let i = 0; i < count; i++) {
    state = (state + GOLDEN) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    out[at + i] = (z ^ (z >>> 16)) >>> 0;
  }
}

/** The stream of one (seed, module, input index). */
export function moduleStream(seed: number, module: string, index: number): RandomStream {
  const seedLo = seed >>> 0;
  const seedHi = Math.floor(seed / 4294967296) >>> 0;
  const words = [seedLo, seedHi, fnv1a32(module), index >>> 0];
  const state = new Uint32Array(4);
  splitmix32(absorb(0x243f6a88, words), state, 0, 2);
  splitmix32(absorb(0xb7e15162, words), state, 2, 2);
  return new RandomStream(state[0], state[1], state[2], state[3]);
}

export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    // xoshiro's only forbidden state is all zeros.
    this.s0 = (s0 | s1 | s2 | s3) === 0 ? 1 : s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** Uniform on [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }
}
