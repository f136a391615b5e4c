import { describe, expect, it } from 'vitest';
import { fusedAddCast } from '../../../../main/engine/ops/apply/fused-add.js';
import { decodeFloat, encodeFloat } from '../../../../main/engine/tensor-io/float-convert.js';
import { randomValues } from '../../../helpers/safetensors.js';

/** The slow way: decode everything, add, encode: what fusedAddCast must equal bit for bit. */
function reference(bytes: Uint8Array, inDtype: 'F16' | 'BF16' | 'F32', delta: Float32Array, offset: number, outDtype: 'F16' | 'BF16' | 'F32'): Uint8Array {
  const w = decodeFloat(bytes, inDtype);
  for (let i = 0; i < delta.length; i++) w[offset + i]! += delta[i]!;
  return Uint8Array.from(encodeFloat(w, outDtype));
}

describe('fusedAddCast', () => {
  const n = 20_000; // spans several chunks, with a ragged tail
  for (const [inDtype, outDtype] of [['F16', 'F16'], ['BF16', 'F16'], ['F32', 'BF16'], ['F16', 'F32']] as const) {
    it(`${inDtype} → ${outDtype} equals decode + add + encode, for a delta covering a middle range`, () => {
      const base = encodeFloat(randomValues(n, 1, 2), inDtype);
      const bytes = Uint8Array.from(base);
      const delta = randomValues(9_001, 2, 0.01);
      const got = fusedAddCast(bytes, inDtype, delta, 5_000, outDtype);
      expect(Buffer.compare(Buffer.from(got), Buffer.from(reference(bytes, inDtype, delta, 5_000, outDtype)))).toBe(0);
    });
  }

  it('copies the untouched part byte for byte when the dtype stays', () => {
    const bytes = Uint8Array.from(encodeFloat(randomValues(n, 3), 'F16'));
    const got = fusedAddCast(bytes, 'F16', new Float32Array(10).fill(1), n - 10, 'F16');
    expect(Buffer.compare(Buffer.from(got.subarray(0, (n - 10) * 2)), Buffer.from(bytes.subarray(0, (n - 10) * 2)))).toBe(0);
    expect(Buffer.compare(Buffer.from(got.subarray((n - 10) * 2)), Buffer.from(bytes.subarray((n - 10) * 2)))).not.toBe(0);
  });
});
