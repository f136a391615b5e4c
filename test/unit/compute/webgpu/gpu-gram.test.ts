/**
 * The float-float Gram kernel on WebGPU (llvmpipe on CI) against an independent f64 reference (plain nested
 * loops here: f32 products are exact in f64, the sums compensated): every element within 1e-12 of Σ|a·b| (the
 * scale of the sum, not of a cancelled result). Odd shapes around the 16×16 tile and the 256-row slice, large
 * and tiny magnitudes, cancellation, zero sizes, many blocks, a stop between blocks, and the inputs it refuses
 * (NaN, a column spanning too many binades, a Gram larger than a block) with their reasons.
 */
import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../../main/engine/errors.js';
import type { GpuContext } from '../../../../main/engine/compute/webgpu/gpu-device.js';
import { floatFloatSelfCheck, gpuGramOfColumns, gpuGramOfRows, gramShader, type GpuGramResult } from '../../../../main/engine/compute/webgpu/gpu-gram.js';
import { randomValues } from '../../../helpers/safetensors.js';
import { testGpu } from '../../../helpers/webgpu.js';

const found = await testGpu();
const gpu = found.gpu as GpuContext;

/**
 * Σ_k x[k,i]·x[k,j] and Σ_k |x[k,i]·x[k,j]| in f64, for X = n×r (columns) or r×n (rows). The products are
 * exact in f64; the sum is compensated (Neumaier), so the reference's own error (~1e-16 of Σ|a·b|) stays far
 * below what is measured.
 */
function reference(x: Float32Array, n: number, r: number, layout: 'columns' | 'rows'): { g: Float64Array; size: Float64Array } {
  const at = layout === 'columns' ? (k: number, i: number): number => x[k * r + i]! : (k: number, i: number): number => x[i * n + k]!;
  const g = new Float64Array(r * r);
  const size = new Float64Array(r * r);
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < r; j++) {
      let s = 0;
      let c = 0;
      let a = 0;
      for (let k = 0; k < n; k++) {
        const p = at(k, i) * at(k, j);
        const t = s + p;
        c += Math.abs(s) >= Math.abs(p) ? s - t + p : p - t + s;
        s = t;
        a += Math.abs(p);
      }
      g[i * r + j] = s + c;
      size[i * r + j] = a;
    }
  }
  return { g, size };
}

/** The largest |got − want| / Σ|a·b| over the elements; fails past `tol`. */
function checkGram(res: GpuGramResult, x: Float32Array, n: number, r: number, layout: 'columns' | 'rows', what: string, tol = 1e-12): number {
  if (!res.ok) throw new Error(`${what}: fell back: ${res.detail}`);
  const { g, size } = reference(x, n, r, layout);
  expect(res.gram.length, what).toBe(r * r);
  let worst = 0;
  for (let e = 0; e < r * r; e++) {
    const err = Math.abs(res.gram[e]! - g[e]!);
    const rel = size[e]! === 0 ? (err === 0 ? 0 : Infinity) : err / size[e]!;
    worst = Math.max(worst, rel);
    if (!(rel <= tol)) expect.fail(`${what} element ${Math.floor(e / r)},${e % r}: ${res.gram[e]} vs ${g[e]} (Σ|a·b| ${size[e]}, ${rel.toExponential(2)} relative)`);
  }
  return worst;
}

describe.skipIf(!found.gpu)(`WebGPU float-float Gram (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  it('equals the f64 reference to 1e-12 of Σ|a·b| on odd shapes, both layouts', async () => {
    let worst = 0;
    for (const [n, r] of [[1, 1], [7, 3], [255, 17], [257, 16], [300, 33], [1000, 5], [513, 48]] as const) {
      const x = randomValues(n * r, n + 7 * r, 1);
      worst = Math.max(worst, checkGram(await gpuGramOfColumns(gpu, x, n, r), x, n, r, 'columns', `columns ${n}×${r}`));
      worst = Math.max(worst, checkGram(await gpuGramOfRows(gpu, x, r, n), x, n, r, 'rows', `rows ${r}×${n}`));
    }
    console.log(`float-float Gram, random odd shapes: worst error ${worst.toExponential(2)} of Σ|a·b|`);
  });

  it('large and tiny magnitudes: squares past f32 range, columns of very different scales', async () => {
    const n = 301;
    const r = 5;
    const base = randomValues(n * r, 91, 1);
    const scales = [1e30, 1e-30, 3e18, 1, 2 ** -100];
    const x = Float32Array.from(base, (v, e) => v * scales[e % r]!);
    expect(x.every((v) => Number.isFinite(v))).toBe(true);
    const worst = checkGram(await gpuGramOfColumns(gpu, x, n, r), x, n, r, 'columns', 'scaled columns');
    // f32 subnormal inputs are scaled into the normal range on the host.
    const sub = Float32Array.from(randomValues(40 * 3, 5, 1), (v) => v * 2 ** -130);
    expect(sub.some((v) => v !== 0 && Math.abs(v) < 2 ** -126)).toBe(true);
    checkGram(await gpuGramOfRows(gpu, sub, 3, 40), sub, 40, 3, 'rows', 'subnormal rows');
    console.log(`float-float Gram, magnitudes 1e-30..1e30: worst error ${worst.toExponential(2)} of Σ|a·b|`);
  });

  it('cancellation: sums that cancel to far below Σ|a·b|, and a long same-sign sum', async () => {
    const n = 4099;
    const r = 3;
    const x = new Float32Array(n * r);
    const v = randomValues(n, 17, 1);
    const noise = randomValues(n, 18, 1e-6);
    for (let k = 0; k < n; k++) {
      x[k * r] = v[k]!;
      // Σ x0·x1 = Σ ±v² (pairs cancel) + v·noise: ~1e-6 of Σ|a·b|.
      x[k * r + 1] = Math.fround((k & 1 ? -1 : 1) * v[k - (k & 1)]! + noise[k]!);
      x[k * r + 2] = Math.fround(1 + noise[k]!);
    }
    for (let k = 1; k < n; k += 2) x[k * r] = x[(k - 1) * r]!;
    const { g, size } = reference(x, n, r, 'columns');
    expect(Math.abs(g[1]!) / size[1]!).toBeLessThan(1e-4);
    const res = await gpuGramOfColumns(gpu, x, n, r);
    const worst = checkGram(res, x, n, r, 'columns', 'cancelling columns');
    // Relative to the cancelled result itself, far better than f32 accumulation (~1e-7·Σ|a·b|, i.e. ~1e-3 of G01).
    if (res.ok) expect(Math.abs(res.gram[1]! - g[1]!) / Math.abs(g[1]!)).toBeLessThan(1e-7);
    console.log(`float-float Gram, cancellation and a 4099-term same-sign sum: worst error ${worst.toExponential(2)} of Σ|a·b|`);
  });

  it('zero sizes: no rows gives zeros, no columns an empty Gram, without touching the GPU', async () => {
    expect(await gpuGramOfColumns(gpu, new Float32Array(0), 0, 3)).toEqual({ ok: true, gram: new Float64Array(9) });
    expect(await gpuGramOfRows(gpu, new Float32Array(0), 0, 5)).toEqual({ ok: true, gram: new Float64Array(0) });
    expect(await gpuGramOfColumns(gpu, new Float32Array(0), 0, 0)).toEqual({ ok: true, gram: new Float64Array(0) });
    const zero = new Float32Array(17 * 4);
    expect(await gpuGramOfColumns(gpu, zero, 17, 4)).toEqual({ ok: true, gram: new Float64Array(16) });
    expect(() => gpuGramOfColumns(gpu, new Float32Array(5), 2, 3)).toThrow(/do not fill/);
  });

  it('streams many blocks and stops between them', async () => {
    const n = 3001;
    const r = 20;
    const x = randomValues(n * r, 33, 2);
    // 40 KiB blocks: 2 slices of 256 rows, 6 blocks.
    checkGram(await gpuGramOfColumns(gpu, x, n, r, { blockBytes: 40 * 1024 }), x, n, r, 'columns', 'small blocks');
    let reads = 0;
    const signal = { get aborted() { return ++reads > 2; } } as AbortSignal;
    await expect(gpuGramOfColumns(gpu, x, n, r, { blockBytes: 40 * 1024, signal })).rejects.toBeInstanceOf(CancelledError);
    expect(reads).toBe(3);
  });

  it('refuses what float-float cannot carry, with the reason (the caller computes it on the CPU)', async () => {
    const x = randomValues(50 * 3, 4, 1);
    x[7] = NaN;
    expect(await gpuGramOfColumns(gpu, x, 50, 3)).toEqual({ ok: false, reason: 'NaN or Inf in a factor', detail: 'column 1 holds NaN or Inf' });
    const wide = randomValues(50 * 3, 4, 1);
    wide[3 * 10 + 2] = 1e-20;
    expect(await gpuGramOfColumns(gpu, wide, 50, 3)).toEqual({ ok: false, reason: 'a column spans more than 2^40', detail: expect.stringMatching(/column 2 spans more than 2\^40/) });
    expect(await gpuGramOfRows(gpu, randomValues(40 * 10, 3, 1), 40, 10, { blockBytes: 8 * 1024 })).toEqual({ ok: false, reason: 'larger than a GPU block', detail: expect.stringMatching(/40×40 float-float Gram .* larger than a block/) });
  });

  it('the self-check passes with the kernel as shipped and catches the compiler rewriting TwoSum away', async () => {
    expect(await floatFloatSelfCheck(gpu)).toBeUndefined();
    const keep = 'return bitcast<f32>(bitcast<u32>(v) | ff_zero);';
    expect(gramShader()).toContain(keep);
    const unguarded = gramShader().replace(keep, 'return v;');
    const verdict = await floatFloatSelfCheck(gpu, unguarded);
    // A compiler that keeps float algebra as written passes this variant too; llvmpipe (Mesa) does not.
    if (found.gpu!.adapter.device.includes('llvmpipe')) expect(verdict).toMatch(/^float-float self-check failed on .*: G\[\d\]\[\d\] off by \d\.\d\de-\d+ of Σ\|a·b\|/);
    console.log(`float-float without ff_keep on ${found.gpu!.adapter.label}: ${verdict ?? 'passes (this compiler keeps the error terms)'}`);
  });
});
