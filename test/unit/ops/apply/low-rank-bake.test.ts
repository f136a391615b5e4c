/**
 * The fused low-rank bake kernel against (1) the JS path it replaces (tfjs matmul per patch, running sum,
 * fusedAddCast): bit for bit, NaNs included; (2) an fp64 reference: within the stated error bound, and within
 * 1 ulp of the correctly rounded result wherever the bound is under half an ulp.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../../../main/engine/compute/tfjs-matmul.js';
import { addDelta } from '../../../../main/engine/ops/apply/add-delta.js';
import { fusedAddCast } from '../../../../main/engine/ops/apply/fused-add.js';
import { bakeLowRank, type LowRankPatch } from '../../../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { KERNEL_DTYPES, lowRankBakeKernels } from '../../../../main/engine/ops/apply/kernels/low-rank-bake-wasm.js';
import type { KernelDType } from '../../../../main/engine/ops/apply/kernels/simd-float-codecs.js';
import { f32BitsToBF16Bits } from '../../../../main/engine/tensor-io/bf16.js';
import { decodeFloat, encodeFloat } from '../../../../main/engine/tensor-io/float-convert.js';
import { f32BitsToF16Bits } from '../../../../main/engine/tensor-io/fp16.js';
import { randomValues } from '../../../helpers/safetensors.js';

const kernels = lowRankBakeKernels()!;
const SIZE: Record<KernelDType, number> = { F16: 2, BF16: 2, F32: 4 };

/** What bake-tensor.ts did before the kernel (and still does off it): one matmul per patch, summed, then fused add. */
async function jsPath(base: Uint8Array, inDtype: KernelDType, outDtype: KernelDType, rows: number, cols: number, patches: readonly LowRankPatch[]): Promise<Uint8Array> {
  if (patches.length === 1) {
    const p = patches[0]!;
    return fusedAddCast(base, inDtype, await tfjsMatMul.matmul(p.up, p.down, p.rows, p.rank, cols), p.start * cols, outDtype);
  }
  const sum = { data: new Float32Array(rows * cols), rows, cols };
  for (const p of patches) addDelta(sum, await tfjsMatMul.matmul(p.up, p.down, p.rows, p.rank, cols), 1, { start: p.start, length: p.rows }, false);
  return fusedAddCast(base, inDtype, sum.data, 0, outDtype);
}

function patch(rows: number, cols: number, rank: number, start: number, seed: number, scale = 0.05): LowRankPatch {
  return { up: randomValues(rows * rank, seed, scale), down: randomValues(rank * cols, seed + 1, scale), rank, start, rows };
}

/** Bit patterns of 16-bit outputs as ordered integers (−0 = +0), for ulp distances. */
const ordered16 = (h: number): number => (h & 0x8000 ? -(h & 0x7fff) : h);
const decode16 = (h: number, dtype: 'F16' | 'BF16'): number => decodeFloat(new Uint8Array(new Uint16Array([h]).buffer), dtype)[0]!;

/** The 16-bit pattern nearest to the real x (ties to even; overflow to ±Inf as IEEE rounding does). */
function nearest16(x: number, dtype: 'F16' | 'BF16'): number {
  const f32 = new Float32Array([x]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const h = dtype === 'F16' ? f32BitsToF16Bits(bits) : f32BitsToBF16Bits(bits);
  const infBits = dtype === 'F16' ? 0x7c00 : 0x7f80;
  const beyondMax = dtype === 'F16' ? 65536 : 2 ** 128;
  // fp64 → fp32 → 16 bits can round twice: the nearest pattern is h or one of its neighbours.
  let best = h;
  let bestErr = Infinity;
  for (const c of [h - 1, h, h + 1]) {
    if ((c & 0x7fff) > infBits || (c ^ h) & 0x8000) continue;
    const v = (c & 0x7fff) === infBits ? Math.sign(x) * beyondMax : decode16(c, dtype);
    const err = Math.abs(v - x);
    if (err < bestErr || (err === bestErr && (c & 1) === 0)) {
      best = c;
      bestErr = err;
    }
  }
  return best;
}

const GAMMA = (n: number): number => (n * 2 ** -24) / (1 - n * 2 ** -24);

/**
 * Checks `out` against the fp64 value x = base + Σ up·down of every element: |out − x| ≤ E + ½ulp(out) with
 * E = γ(R+P+1)·(|base| + Σ|up·down|) the bound on the fp32 value before output rounding (R ranks, P patches);
 * and, for 16-bit outputs, out within 1 ulp of the correctly rounded x wherever E ≤ ½ulp. Returns how many
 * elements had E ≤ ½ulp (to show the 1-ulp check is not vacuous).
 */
function checkAgainstFp64(out: Uint8Array, base: Uint8Array, inDtype: KernelDType, outDtype: KernelDType, rows: number, cols: number, patches: readonly LowRankPatch[]): number {
  const b = decodeFloat(base, inDtype);
  const got = decodeFloat(out, outDtype);
  const got16 = outDtype === 'F32' ? undefined : new Uint16Array(out.buffer, out.byteOffset, rows * cols);
  let tight = 0;
  for (let o = 0; o < rows; o++) {
    const covering = patches.filter((p) => p.start <= o && o < p.start + p.rows);
    const n = covering.reduce((s, p) => s + p.rank, 0) + covering.length + 1;
    for (let j = 0; j < cols; j++) {
      const i = o * cols + j;
      let x = b[i]!;
      let mag = Math.abs(x);
      for (const p of covering) {
        for (let k = 0; k < p.rank; k++) {
          const t = p.up[(o - p.start) * p.rank + k]! * p.down[k * cols + j]!;
          x += t;
          mag += Math.abs(t);
        }
      }
      const e = covering.length === 0 ? 0 : GAMMA(n) * mag;
      const v = got[i]!;
      const halfUlp = outDtype === 'F32' ? Math.abs(v) * 2 ** -24 : Math.max(Math.abs(v) * (outDtype === 'F16' ? 2 ** -11 : 2 ** -8), outDtype === 'F16' ? 2 ** -25 : 0);
      if (Math.abs(v - x) > e + halfUlp) expect.fail(`element [${o}, ${j}]: ${v} is ${Math.abs(v - x)} from ${x}; bound ${e} + ${halfUlp}`);
      if (got16 && e <= halfUlp / 2) {
        tight++;
        const want = nearest16(x, outDtype as 'F16' | 'BF16');
        if (Math.abs(ordered16(got16[i]!) - ordered16(want)) > 1) expect.fail(`element [${o}, ${j}]: ${got16[i]!.toString(16)} is more than 1 ulp from ${want.toString(16)} (x = ${x})`);
      }
    }
  }
  return tight;
}

function sameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  if (Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0) return;
  let i = 0;
  while (a[i] === b[i]) i++;
  expect.fail(`${what}: first differing byte ${i} (${a[i]} vs ${b[i]})`);
}

describe('bakeLowRank (fused WebAssembly kernel)', () => {
  beforeAll(async () => {
    await initBackend();
  });

  it('is available', () => {
    expect(kernels).not.toBeNull();
  });

  for (const inDtype of KERNEL_DTYPES) {
    for (const outDtype of KERNEL_DTYPES) {
      it(`${inDtype} → ${outDtype}: equals the JS path bit for bit and the fp64 reference within its bound`, async () => {
        const rows = 45;
        const cols = 37; // neither a multiple of 4 nor of 8
        const base = encodeFloat(randomValues(rows * cols, 11, 0.1), inDtype).slice();
        const patches = [patch(rows, cols, 8, 0, 20)];
        const got = bakeLowRank(kernels, { base, inDtype, outDtype, rows, cols, patches });
        sameBytes(got, await jsPath(base, inDtype, outDtype, rows, cols, patches), `${inDtype} → ${outDtype}`);
        const tight = checkAgainstFp64(got, base, inDtype, outDtype, rows, cols, patches);
        if (outDtype !== 'F32') expect(tight).toBeGreaterThan(0.95 * rows * cols);
      });
    }
  }

  it('several patches on overlapping slices (q/k/v-style and a whole-weight one), rows outside every slice copied', async () => {
    const rows = 30;
    const cols = 51;
    const base = encodeFloat(randomValues(rows * cols, 5, 0.1), 'F16').slice();
    const patches = [patch(10, cols, 4, 2, 30), patch(rows, cols, 3, 0, 40), patch(7, cols, 1, 12, 50), patch(9, cols, 16, 19, 60)];
    for (const outDtype of KERNEL_DTYPES) {
      const got = bakeLowRank(kernels, { base, inDtype: 'F16', outDtype, rows, cols, patches });
      sameBytes(got, await jsPath(base, 'F16', outDtype, rows, cols, patches), `F16 → ${outDtype}`);
      checkAgainstFp64(got, base, 'F16', outDtype, rows, cols, patches);
    }
    const sliceOnly = [patch(5, cols, 2, 20, 70)];
    const got = bakeLowRank(kernels, { base, inDtype: 'F16', outDtype: 'F16', rows, cols, patches: sliceOnly });
    sameBytes(got.subarray(0, 20 * cols * 2), base.subarray(0, 20 * cols * 2), 'rows before the slice');
    sameBytes(got.subarray(25 * cols * 2), base.subarray(25 * cols * 2), 'rows after the slice');
    expect(Buffer.compare(Buffer.from(got.subarray(20 * cols * 2, 25 * cols * 2)), Buffer.from(base.subarray(20 * cols * 2, 25 * cols * 2)))).not.toBe(0);
  });

  it('odd sizes: one row, one column, rank 1, widths around the 8-column panels and 4-row tiles', async () => {
    for (const [rows, cols, rank] of [[1, 1, 1], [1, 3, 1], [3, 1, 2], [4, 8, 1], [5, 9, 3], [2, 16, 1], [7, 15, 5], [1, 1000, 32], [600, 4, 2]] as const) {
      const base = encodeFloat(randomValues(rows * cols, rows + cols, 0.1), 'BF16').slice();
      const patches = [patch(rows, cols, rank, 0, rank * 7)];
      for (const outDtype of KERNEL_DTYPES) {
        const got = bakeLowRank(kernels, { base, inDtype: 'BF16', outDtype, rows, cols, patches });
        sameBytes(got, await jsPath(base, 'BF16', outDtype, rows, cols, patches), `${rows}×${cols} rank ${rank} → ${outDtype}`);
        checkAgainstFp64(got, base, 'BF16', outDtype, rows, cols, patches);
      }
    }
  });

  it('spans several row blocks and column blocks (large rank and width) like the JS path', async () => {
    const rows = 203;
    const cols = 1283;
    const base = encodeFloat(randomValues(rows * cols, 9, 0.05), 'F16').slice();
    const patches = [patch(rows, cols, 96, 0, 90, 0.02), patch(100, cols, 64, 50, 91, 0.02)];
    const got = bakeLowRank(kernels, { base, inDtype: 'F16', outDtype: 'F16', rows, cols, patches });
    sameBytes(got, await jsPath(base, 'F16', 'F16', rows, cols, patches), 'large');
    checkAgainstFp64(got, base, 'F16', 'F16', rows, cols, patches);
  });

  it('every 16-bit base pattern (F16 and BF16 in, every output) with small deltas: the fast and the general path agree with the JS path', async () => {
    const rows = 256;
    const cols = 256;
    const base = new Uint8Array(Uint16Array.from({ length: rows * cols }, (_, i) => i).buffer);
    // Per column a delta from tiny to large, both signs; every row gets all of them (rank 1, up = 1).
    const down = Float32Array.from({ length: cols }, (_, j) => (j % 2 ? -1 : 1) * 2 ** (-30 + (j % 40)) * (1 + j / 256));
    const patches: LowRankPatch[] = [{ up: new Float32Array(rows).fill(1), down, rank: 1, start: 0, rows }];
    for (const inDtype of ['F16', 'BF16'] as const) {
      const isNaN16 = (h: number): boolean => (inDtype === 'F16' ? (h & 0x7fff) > 0x7c00 : (h & 0x7fff) > 0x7f80);
      for (const outDtype of KERNEL_DTYPES) {
        const got = bakeLowRank(kernels, { base, inDtype, outDtype, rows, cols, patches });
        const want = await jsPath(base, inDtype, outDtype, rows, cols, patches);
        const size = SIZE[outDtype];
        for (let i = 0; i < rows * cols; i++) {
          const a = got.subarray(i * size, (i + 1) * size);
          const b = want.subarray(i * size, (i + 1) * size);
          // A NaN base stays that NaN, quieted, in the kernel; the JS path does the same on x86, but check only the kernel's rule.
          if (isNaN16(i)) continue;
          if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) expect.fail(`${inDtype} → ${outDtype}: base pattern ${i.toString(16)} + ${down[i % cols]}: ${Buffer.from(a).toString('hex')} vs ${Buffer.from(b).toString('hex')}`);
        }
        if (outDtype === inDtype) {
          const out16 = new Uint16Array(got.buffer, got.byteOffset, rows * cols);
          for (let i = 0; i < rows * cols; i++) if (isNaN16(i) && out16[i] !== (i | (inDtype === 'F16' ? 0x200 : 0x40))) expect.fail(`${inDtype}: NaN ${i.toString(16)} became ${out16[i]!.toString(16)}`);
        }
      }
    }
  });

  it('every fp16 special class in the base against exact deltas: ties to even, subnormals, overflow to Inf, ±0, NaN', async () => {
    // Rows: base values; columns: deltas (rank 1, up = 1, so the delta is exactly down's value).
    const bases = [0x0000, 0x8000, 0x0001, 0x8001, 0x0002, 0x03ff, 0x83ff, 0x0400, 0x3c00, 0xbc00, 0x3c01, 0x7bff, 0xfbff, 0x7bfe, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7c01, 0xfd55, 0x5bff];
    const deltas = [0, -0, 2 ** -25, -(2 ** -25), 3 * 2 ** -25, 2 ** -24, 2 ** -11, -(2 ** -11), 3 * 2 ** -11, 2 ** -12, 16, 15.999, 15.99, 32, -16, 2 ** -14, 1e-9, 1e30, -1e30, Infinity, -Infinity, Number.NaN, 0.5];
    const rows = bases.length;
    const cols = deltas.length;
    const base = new Uint8Array(new Uint16Array(Array.from({ length: rows * cols }, (_, i) => bases[Math.floor(i / cols)]!)).buffer);
    const patches: LowRankPatch[] = [{ up: new Float32Array(rows).fill(1), down: Float32Array.from(deltas), rank: 1, start: 0, rows }];
    const bothNaN = (i: number): boolean => (bases[Math.floor(i / cols)]! & 0x7fff) > 0x7c00 && Number.isNaN(deltas[i % cols]!);
    for (const outDtype of KERNEL_DTYPES) {
      const size = SIZE[outDtype];
      const got = bakeLowRank(kernels, { base, inDtype: 'F16', outDtype, rows, cols, patches });
      const want = await jsPath(base, 'F16', outDtype, rows, cols, patches);
      // NaN base + NaN delta: the kernel keeps the base's NaN; the JS path gets whichever operand V8 put first.
      for (let i = 0; i < rows * cols; i++) {
        if (bothNaN(i)) continue;
        sameBytes(got.subarray(i * size, (i + 1) * size), want.subarray(i * size, (i + 1) * size), `specials → ${outDtype}, base ${bases[Math.floor(i / cols)]!.toString(16)} + ${deltas[i % cols]}`);
      }
    }
    const got = new Uint16Array(bakeLowRank(kernels, { base, inDtype: 'F16', outDtype: 'F16', rows, cols, patches }).buffer);
    const at = (b: number, d: number): number => got[bases.indexOf(b) * cols + deltas.findIndex((x) => Object.is(x, d))]!;
    expect(at(0x3c00, 2 ** -11)).toBe(0x3c00); // 1 + half an ulp: tie, to even
    expect(at(0x3c00, 3 * 2 ** -11)).toBe(0x3c02); // 1 + 1.5 ulp: tie, to even (up)
    expect(at(0x3c01, 2 ** -11)).toBe(0x3c02); // odd + half: up to even
    expect(at(0x0000, 2 ** -25)).toBe(0x0000); // half the smallest subnormal: tie to 0
    expect(at(0x0000, 3 * 2 ** -25)).toBe(0x0002);
    expect(at(0x0001, 2 ** -24)).toBe(0x0002);
    expect(at(0x03ff, 2 ** -24)).toBe(0x0400); // largest subnormal + 1 step = smallest normal
    expect(at(0x7bff, 16)).toBe(0x7c00); // 65504 + 16 = 65520: the tie above the maximum rounds to Inf
    expect(at(0x7bff, 15.99)).toBe(0x7bff);
    // 65519.999 is below the tie, but its fp32 rounding is the tie 65520 itself, which then rounds to Inf: the
    // double rounding (fp32 sum, then output dtype) that the JS path has too, 1 ulp from the exact rounding.
    expect(at(0x7bff, 15.999)).toBe(0x7c00);
    expect(at(0xfbff, -16)).toBe(0xfc00);
    expect(at(0x8000, 0)).toBe(0x0000); // −0 + +0 = +0 (the delta sum starts at +0)
    expect(at(0x8000, -0)).toBe(0x0000); // the rank-1 sum 0 + (1·−0) is +0 too
    expect(at(0x7c00, -Infinity) & 0x7c00).toBe(0x7c00); // Inf − Inf: a NaN (the hardware's default one)
    expect(at(0x7c00, -Infinity) & 0x3ff).not.toBe(0);
    // A NaN base stays that NaN, quieted, sign and payload kept (0x7c01 → 0x7e01).
    expect(at(0x7c01, 0.5)).toBe(0x7e01);
    expect(at(0xfd55, 1e30)).toBe(0xff55);
    expect(at(0x7e00, Number.NaN)).toBe(0x7e00);
    expect(at(0xfe00, Number.NaN)).toBe(0xfe00);
    expect(at(0x7c01, Number.NaN)).toBe(0x7e01);
    expect(at(0x3c00, Number.NaN) & 0x7e00).toBe(0x7e00); // a NaN delta on a number: that NaN, quieted
  });
});
