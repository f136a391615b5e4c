import { describe, expect, it } from 'vitest';
import { kernelMemory, loadedLowRankBakeKernels, lowRankBakeKernels } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import { allOnesExponentScanner, nextAllOnesExponent } from '../../../../main/engine/ops/apply/output-overflow.js';

/** Every index whose exponent bits are all ones, one value at a time (what the word-wise scan replaces). */
function naive(halves: Uint16Array, mask: number): number[] {
  return [...halves.keys()].filter((i) => (halves[i]! & mask) === mask);
}

function scanAll(halves: Uint16Array, mask: number): number[] {
  const found: number[] = [];
  for (let i = nextAllOnesExponent(halves, mask, 0); i >= 0; i = nextAllOnesExponent(halves, mask, i + 1)) found.push(i);
  return found;
}

describe('nextAllOnesExponent: finds every F16 / BF16 Inf or NaN pattern, as the value-by-value scan does', () => {
  for (const [dtype, mask] of [['F16', 0x7c00], ['BF16', 0x7f80]] as const) {
    it(`${dtype}: all 65,536 patterns, shuffled into odd lengths and offsets, with runs of specials side by side`, () => {
      let seed = 11;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 8;
      };
      const all = new Uint16Array(65536).map((_, i) => i);
      for (let i = all.length - 1; i > 0; i--) {
        const j = random() % (i + 1);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      for (const [skip, length] of [[0, 65536], [1, 65535], [3, 1001], [2, 9], [5, 0], [7, 3]] as const) {
        const view = new Uint16Array(all.buffer, 2 * skip, length);
        expect(scanAll(view, mask)).toEqual(naive(view, mask));
      }
      // Specials side by side, in both halves of a word, at the end, and none at all.
      const mixed = new Uint16Array([0x3c00, mask, mask | 0x8000, 1, 2, 3, 4, 5, 6, mask | 1, 7, 8, 9, 10, 11, mask]);
      expect(scanAll(mixed, mask)).toEqual(naive(mixed, mask));
      expect(scanAll(new Uint16Array(1000).fill(0x3c00), mask)).toEqual([]);
    });
  }
});

describe('allOnesExponentScanner: the kernel\'s SIMD scan over blocks in its memory finds what the JS scan finds', () => {
  for (const [dtype, mask] of [['F16', 0x7c00], ['BF16', 0x7f80]] as const) {
    it(`${dtype}: random blocks with specials at the start, the end, inside a 32-value group and in the tail`, () => {
      const kernels = lowRankBakeKernels();
      expect(kernels).not.toBeNull();
      expect(loadedLowRankBakeKernels()).toBe(kernels);
      let seed = 5;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed >>> 8;
      };
      for (const [skip, length] of [[0, 4096], [1, 1000], [3, 31], [8, 33], [2, 0], [5, 65]] as const) {
        const buffer = kernelMemory(kernels!, kernels!.dataStart + 2 * (skip + length) + 64);
        const halves = new Uint16Array(buffer, kernels!.dataStart + 2 * skip, length);
        // Finite values; then a few specials where group and tail boundaries are.
        for (let i = 0; i < length; i++) halves[i] = (random() % mask) | (random() & 1 ? 0x8000 : 0);
        for (const at of [0, 31, 32, 63, length - 1, length - 2, Math.floor(length / 2)]) if (at >= 0 && at < length && random() % 3 !== 0) halves[at] = mask | (random() % 3);
        const viaKernel: number[] = [];
        const scan = allOnesExponentScanner(halves, mask);
        for (let i = scan(0); i >= 0; i = scan(i + 1)) viaKernel.push(i);
        // A copy outside the kernel's memory takes the JS scan.
        const copy = halves.slice();
        const viaJs: number[] = [];
        const js = allOnesExponentScanner(copy, mask);
        for (let i = js(0); i >= 0; i = js(i + 1)) viaJs.push(i);
        expect(viaKernel).toEqual(naive(copy, mask));
        expect(viaJs).toEqual(viaKernel);
      }
    });
  }
});
