import { describe, expect, it } from 'vitest';
import { bakeLowRank } from '../../../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { KERNEL_DTYPES, lowRankBakeKernels, type LowRankBakeKernels } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import type { KernelDType } from '../../../../main/engine/ops/apply/kernels/simd-float-codecs.js';
import { f32BitsToBF16Bits } from '../../../../main/engine/tensor-io/bf16.js';
import { castTensorBytes } from '../../../../main/engine/tensor-io/float-convert.js';
import { f32BitsToF16Bits, fp16ToF32BitsTable } from '../../../../main/engine/tensor-io/fp16.js';
import { seededRandom } from '../../../helpers/safetensors.js';

const bytesOf = (a: Uint16Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The kernel's cast (no patches: decode, encode), on one ragged row. */
function kernelCast(k: LowRankBakeKernels, bytes: Uint8Array, from: KernelDType, to: KernelDType, n: number): Uint8Array {
  return bakeLowRank(k, { base: bytes, inDtype: from, outDtype: to, rows: 1, cols: n, patches: [] });
}

/** fp32 patterns: every value of the top 16 bits with low halves around every rounding boundary, plus random ones. */
function fp32Sweep(): Uint32Array {
  const lows = [0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x2fff, 0x3000, 0x3001, 0x7fff, 0x8000, 0x8001, 0xbfff, 0xc000, 0xe000, 0xffff];
  const rnd = seededRandom(7);
  const random = 1 << 20;
  const out = new Uint32Array(65536 * lows.length + random);
  let i = 0;
  for (let hi = 0; hi < 65536; hi++) for (const lo of lows) out[i++] = ((hi << 16) | lo) >>> 0;
  for (let j = 0; j < random; j++) out[i++] = Math.floor(rnd() * 4294967296) >>> 0;
  return out;
}

describe('SIMD fp16/bf16 codecs of the bake kernel', () => {
  const k = lowRankBakeKernels();

  it('are available (WebAssembly SIMD is part of Node 20)', () => {
    expect(k).not.toBeNull();
  });

  it('decode every fp16 bit pattern exactly as tensor-io does (subnormals, ±0, Inf, NaN payloads)', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    const got = new Uint32Array(kernelCast(k!, bytesOf(all), 'F16', 'F32', 65536).slice().buffer);
    expect(Buffer.compare(Buffer.from(bytesOf(got)), Buffer.from(bytesOf(fp16ToF32BitsTable())))).toBe(0);
  });

  it('encode fp32 → fp16 and → bf16 bit for bit like tensor-io over every exponent, rounding boundary and NaN class', () => {
    const x = fp32Sweep();
    for (const [dtype, ref] of [['F16', f32BitsToF16Bits], ['BF16', f32BitsToBF16Bits]] as const) {
      const got = new Uint16Array(kernelCast(k!, bytesOf(x), 'F32', dtype, x.length).slice().buffer);
      let mismatches = 0;
      let first = '';
      for (let i = 0; i < x.length; i++) {
        if (got[i] !== ref(x[i]!)) {
          if (mismatches++ === 0) first = `${x[i]!.toString(16)} → ${got[i]!.toString(16)}, want ${ref(x[i]!).toString(16)}`;
        }
      }
      expect(mismatches, `${dtype}: first mismatch ${first}`).toBe(0);
    }
  });

  it('cast every dtype pair like castTensorBytes, ragged lengths included', () => {
    const rnd = seededRandom(3);
    // fp16 specials and random patterns, as raw 16-bit patterns; F32 inputs are their fp32 decodings plus random bits.
    const specials16 = [0x0000, 0x8000, 0x0001, 0x8001, 0x03ff, 0x0400, 0x7bff, 0xfbff, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe00, 0x7d55, 0xff80, 0x7f81, 0x3c00, 0x0200];
    for (const n of [1, 7, 8, 9, 1001]) {
      const u16 = Uint16Array.from({ length: n }, (_, i) => (i < specials16.length ? specials16[i]! : Math.floor(rnd() * 65536)));
      const u32 = Uint32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? fp16ToF32BitsTable()[u16[i]!]! : Math.floor(rnd() * 4294967296)));
      for (const from of KERNEL_DTYPES) {
        const input = from === 'F32' ? bytesOf(u32) : bytesOf(u16);
        for (const to of KERNEL_DTYPES) {
          const got = kernelCast(k!, input, from, to, n);
          expect(Buffer.compare(Buffer.from(got), Buffer.from(castTensorBytes(input, from, to))), `${from} → ${to}, n = ${n}`).toBe(0);
        }
      }
    }
  });
});
