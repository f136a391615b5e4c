import { describe, expect, it } from 'vitest';
import { scanHalf } from '../../../main/engine/adapters/non-finite.js';
import { decodeFloat } from '../../../main/engine/tensor-io/float-convert.js';

/** The scan by decoding every value (what scanHalf replaces). */
function reference(bytes: Uint8Array, dtype: 'F16' | 'BF16'): { nan: number; inf: number; maxAbs: number } {
  let nan = 0;
  let inf = 0;
  let maxAbs = 0;
  for (const v of decodeFloat(bytes, dtype)) {
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    else maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  return { nan, inf, maxAbs };
}

describe('scanHalf: NaN / Inf counts and max-abs from the bits', () => {
  for (const dtype of ['F16', 'BF16'] as const) {
    it(`${dtype}: all 65,536 bit patterns, and random tensors without the extremes`, () => {
      const all = new Uint16Array(65536).map((_, i) => i);
      expect(scanHalf(new Uint8Array(all.buffer), dtype)).toEqual(reference(new Uint8Array(all.buffer), dtype));
      let seed = 7;
      for (let t = 0; t < 20; t++) {
        const limit = 1 + t * 3000;
        const bits = new Uint16Array(1001).map(() => {
          seed = (seed * 1103515245 + 12345) >>> 0;
          return (seed >>> 8) % limit | (seed & 1 ? 0x8000 : 0);
        });
        const bytes = new Uint8Array(bits.buffer);
        expect(scanHalf(bytes, dtype)).toEqual(reference(bytes, dtype));
      }
    });
  }

  it('reads bytes at an offset of 2 (halves not on a word boundary), with and without a NaN', () => {
    const buf = new Uint8Array(12);
    buf.set(new Uint8Array(new Uint16Array([0x3c00, 0xc400, 0x3800, 0x4000, 0x3555]).buffer), 2);
    expect(scanHalf(buf.subarray(2), 'F16')).toEqual({ nan: 0, inf: 0, maxAbs: 4 });
    buf.set(new Uint8Array(new Uint16Array([0x7e00]).buffer), 4);
    expect(scanHalf(buf.subarray(2), 'F16')).toEqual({ nan: 1, inf: 0, maxAbs: 2 });
  });

  it('reads bytes at an odd offset', () => {
    const buf = new Uint8Array(9);
    buf.set(new Uint8Array(new Uint16Array([0x3c00, 0xfc00, 0x7e00, 0xc000]).buffer), 1);
    expect(scanHalf(buf.subarray(1), 'F16')).toEqual({ nan: 1, inf: 1, maxAbs: 2 });
  });
});
