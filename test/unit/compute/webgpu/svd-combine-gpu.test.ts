/**
 * The svd combine's Gram products on the webgpu backend (llvmpipe on CI): with the backend active, lowRankSVD
 * takes its Grams from the float-float GPU kernel (counted in the route log), and the compress source (Combine
 * LoRAs, method svd) gives the same singular values as the CPU's fp64 Grams (1e-9 relative) and the same ΔW
 * (1e-4), on odd shapes; inputs the GPU kernel refuses go to the CPU with the reason recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../../main/engine/compute/backend.js';
import { backendMatMul } from '../../../../main/engine/compute/backend-matmul.js';
import { resetRouteLog, routeLog } from '../../../../main/engine/compute/route-log.js';
import { cpuGrams } from '../../../../main/engine/compute/gram-products.js';
import { lowRankSVD } from '../../../../main/engine/linalg/low-rank-svd.js';
import { moduleFactors } from '../../../../main/engine/module-source/evaluate.js';
import type { ModuleSource } from '../../../../main/engine/values/lora-value.js';
import { randomValues } from '../../../helpers/safetensors.js';
import { testGpu } from '../../../helpers/webgpu.js';
import { delta64, randomFactors, relativeMaxError, singularValues64, weightedSum } from '../../ops/combine/helpers.js';

const found = await testGpu();

/** The Grams' part of this thread's route log. */
const gramRoutes = () => routeLog().find((r) => r.op === 'gram');

describe.skipIf(!found.gpu)(`svd combine Grams on webgpu (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  beforeAll(async () => {
    expect((await selectBackend({ prefer: 'webgpu' })).name).toBe('webgpu');
  });
  afterAll(async () => {
    await selectBackend({ prefer: 'wasm' });
  });

  it('Combine LoRAs (svd) on webgpu: Grams on the GPU, the CPU backend\'s singular values (1e-9) and ΔW (1e-4)', async () => {
    const out = 37;
    const inFlat = 53;
    const a = randomFactors(out, 7, inFlat, 0.3);
    const b = randomFactors(out, 12, inFlat, 2);
    const c = randomFactors(out, 5, inFlat, 1e3);
    const source: ModuleSource = {
      type: 'compress',
      out,
      inFlat,
      members: [
        { source: { type: 'factors', factors: a, scale: 0.5 }, coefficient: 1.1 },
        { source: { type: 'factors', factors: b, scale: 1 }, coefficient: -0.7 },
        { source: { type: 'factors', factors: c, scale: 1e-3 }, coefficient: 0.4 },
      ],
      rank: { type: 'fixed', rank: 9 },
    };
    resetRouteLog();
    const onGpu = await moduleFactors(source, backendMatMul);
    expect(gramRoutes()).toEqual({ op: 'gram', gpu: 2, cpu: [] });
    await selectBackend({ prefer: 'wasm' });
    const onCpu = await moduleFactors(source, backendMatMul);
    expect(gramRoutes()?.gpu).toBe(2);
    await selectBackend({ prefer: 'webgpu' });

    const sg = onGpu.compression!.singularValues;
    const sc = onCpu.compression!.singularValues;
    expect(sg.length).toBe(sc.length);
    for (let j = 0; j < 9; j++) expect(Math.abs(sg[j]! - sc[j]!) / sc[j]!, `σ${j}`).toBeLessThan(1e-9);
    const dg = delta64(onGpu.factors, onGpu.scale);
    const dc = delta64(onCpu.factors, onCpu.scale);
    expect(relativeMaxError(dg, dc)).toBeLessThan(1e-4);
    // And both are the truncation of the true sum (its singular values from a dense f64 SVD).
    const sum = weightedSum([{ x: delta64(a, 0.5), c: 1.1 }, { x: delta64(b), c: -0.7 }, { x: delta64(c, 1e-3), c: 0.4 }], out * inFlat, inFlat);
    const ref = singularValues64(sum, out, inFlat);
    for (let j = 0; j < 9; j++) expect(Math.abs(sg[j]! - ref[j]!) / ref[j]!).toBeLessThan(1e-6);
  });

  it('lowRankSVD with GPU Grams equals CPU fp64 Grams on a decaying spectrum (σ down to 1e-4·σ₁)', async () => {
    const rows = 301;
    const r = 40;
    const cols = 259;
    const up = randomValues(rows * r, 71, 1);
    const down = randomValues(r * cols, 72, 1);
    // Row i of down scaled by 0.8^i: the product's spectrum decays over four decades.
    for (let i = 0; i < r; i++) for (let j = 0; j < cols; j++) down[i * cols + j] = Math.fround(down[i * cols + j]! * 0.8 ** i);
    const f = { up, down, rows, rank: r, cols };
    resetRouteLog();
    const g = await lowRankSVD(f, 20, backendMatMul);
    expect(gramRoutes()?.gpu).toBe(2);
    const c = await lowRankSVD(f, 20, backendMatMul, { grams: cpuGrams('wasm') });
    // Two f64 kernels that sum in different orders, for scale: how far fp64 rounding alone moves the σ.
    const js = await lowRankSVD(f, 20, backendMatMul, { grams: cpuGrams('js') });
    expect(g.k).toBe(c.k);
    expect(Math.abs(g.frobeniusSquared - c.frobeniusSquared) / c.frobeniusSquared).toBeLessThan(1e-12);
    let worst = 0;
    let worstF64 = 0;
    for (let j = 0; j < c.singularValues.length; j++) {
      if (c.singularValues[j]! < 1e-3 * c.singularValues[0]!) continue;
      worst = Math.max(worst, Math.abs(g.singularValues[j]! - c.singularValues[j]!) / c.singularValues[j]!);
      worstF64 = Math.max(worstF64, Math.abs(js.singularValues[j]! - c.singularValues[j]!) / c.singularValues[j]!);
    }
    expect(worst).toBeLessThan(1e-9);
    console.log(`low-rank SVD (σ ≥ 1e-3·σ₁): GPU vs CPU Grams ${worst.toExponential(2)} relative; two CPU f64 kernels ${worstF64.toExponential(2)}`);
  });

  it('what the GPU kernel refuses runs on the CPU, the reason recorded: NaN still fails as on the CPU, a wide range still computes', async () => {
    resetRouteLog();
    const up = randomValues(30 * 4, 5, 1);
    const down = randomValues(4 * 20, 6, 1);
    const bad = Float32Array.from(up);
    bad[9] = NaN;
    await expect(lowRankSVD({ up: bad, down, rows: 30, rank: 4, cols: 20 }, 2, backendMatMul, { module: 'unet.x' })).rejects.toMatchObject({ code: 'not-finite', module: 'unet.x' });
    const wide = Float32Array.from(up);
    wide[4] = 1e-30;
    const g = await lowRankSVD({ up: wide, down, rows: 30, rank: 4, cols: 20 }, 3, backendMatMul);
    const c = await lowRankSVD({ up: wide, down, rows: 30, rank: 4, cols: 20 }, 3, backendMatMul, { grams: cpuGrams('wasm') });
    // G_u on the CPU, G_d on the GPU (to 1e-12 of the f64 one).
    for (let j = 0; j < 4; j++) expect(Math.abs(g.singularValues[j]! - c.singularValues[j]!) / c.singularValues[0]!).toBeLessThan(1e-12);
    // The down Grams (of the NaN and the wide run) ran on the GPU; the up Grams were refused.
    expect(gramRoutes()).toEqual({
      op: 'gram',
      gpu: 2,
      cpu: [
        { reason: 'NaN or Inf in a factor', count: 1, detail: 'column 1 holds NaN or Inf' },
        { reason: 'a column spans more than 2^40', count: 1, detail: expect.stringMatching(/^column 0 spans more than 2\^40 .*1\.00e-30/) },
      ],
    });
  });
});
