import { describe, expect, it } from 'vitest';
import { nextAllOnesExponent } from '../../../../main/engine/ops/apply/output-overflow.js';

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
