/**
 * out = round(decode(base) + delta) in one pass over cache-sized chunks: the base is never held as a full
 * fp32 array, and decode, add and encode each touch a chunk that is still in cache. `delta` covers the
 * elements [offset, offset + delta.length); elements outside it are only cast (or copied when the dtype stays).
 */
import { DTYPE_INFO, type DType } from '../../tensor-io/dtypes.js';
import { decodeFloat, encodeFloat, type Fp8Overflow } from '../../tensor-io/float-convert.js';

const CHUNK = 8192;

export function fusedAddCast(bytes: Uint8Array, inDtype: DType, delta: Float32Array, offset: number, outDtype: DType, fp8Overflow?: Fp8Overflow): Uint8Array {
  const inSize = DTYPE_INFO[inDtype].bytes;
  const outSize = DTYPE_INFO[outDtype].bytes;
  const n = bytes.byteLength / inSize;
  const out = new Uint8Array(n * outSize);
  const scratch = new Float32Array(CHUNK);
  const end = offset + delta.length;
  const sameDtype = inDtype === outDtype;
  for (let i = 0; i < n; i += CHUNK) {
    const len = Math.min(CHUNK, n - i);
    const lo = Math.max(i, offset);
    const hi = Math.min(i + len, end);
    if (hi <= lo && sameDtype) {
      out.set(bytes.subarray(i * inSize, (i + len) * inSize), i * outSize);
      continue;
    }
    const s = len === CHUNK ? scratch : scratch.subarray(0, len);
    decodeFloat(bytes.subarray(i * inSize, (i + len) * inSize), inDtype, s);
    for (let j = lo; j < hi; j++) s[j - i]! += delta[j - offset]!;
    encodeFloat(s, outDtype, { out: out.subarray(i * outSize, (i + len) * outSize), fp8Overflow });
  }
  return out;
}
