/**
 * The MatMul seam and the resident operator on WebGPU (llvmpipe on CI) against the CPU: every product within
 * 1e-6 of Σ|a·b| per element (fp32 relative to the scale of the sum) of the WebAssembly backend's product;
 * odd shapes, every transpose; the low-rank SVD and the randomized SVD through them give the same ΔW to 1e-4.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../main/engine/compute/backend.js';
import { tfjsMatMul } from '../../../../main/engine/compute/tfjs-matmul.js';
import { tfjsOperator } from '../../../../main/engine/compute/tfjs-operator.js';
import type { GpuContext } from '../../../../main/engine/compute/webgpu/gpu-device.js';
import { gpuMatMul, gpuOperator } from '../../../../main/engine/compute/webgpu/gpu-matmul.js';
import { resetRouteLog, routeLog } from '../../../../main/engine/compute/route-log.js';
import { lowRankSVD } from '../../../../main/engine/linalg/low-rank-svd.js';
import { randomizedSVD } from '../../../../main/engine/linalg/randomized-svd.js';
import { randomValues } from '../../../helpers/safetensors.js';
import { testGpu } from '../../../helpers/webgpu.js';

const found = await testGpu();
const gpu = found.gpu as GpuContext;

/** |got − want| ≤ 1e-6·Σ_k|a·b| per element (the scale of the sum, not of a cancelled result). */
function checkProduct(got: Float32Array, want: Float32Array, a: Float32Array, b: Float32Array, m: number, k: number, n: number, ta: boolean, tb: boolean, what: string): void {
  expect(got.length, what).toBe(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let scale = 0;
      for (let p = 0; p < k; p++) scale += Math.abs((ta ? a[p * m + i]! : a[i * k + p]!) * (tb ? b[j * k + p]! : b[p * n + j]!));
      const d = Math.abs(got[i * n + j]! - want[i * n + j]!);
      if (d > 1e-6 * scale + 1e-30) expect.fail(`${what} [${i}, ${j}]: ${got[i * n + j]} vs ${want[i * n + j]} (scale ${scale})`);
    }
  }
}

/** U·diag(S)·Vᵀ (rows×cols). */
function reconstruct(U: Float32Array, S: ArrayLike<number>, V: Float32Array, rows: number, cols: number, k: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += U[i * k + t]! * S[t]! * V[j * k + t]!;
    out[i * cols + j] = s;
  }
  return out;
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / den;
}

describe.skipIf(!found.gpu)(`WebGPU matmul (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  beforeAll(async () => {
    await initBackend({ prefer: 'wasm' });
  });
  const mm = (): ReturnType<typeof gpuMatMul> => gpuMatMul(gpu, tfjsMatMul);

  it('equals the WebAssembly product on odd shapes and every transpose', async () => {
    for (const [m, k, n] of [[1, 1, 1], [1, 7, 1], [3, 5, 2], [17, 33, 15], [16, 16, 16], [31, 100, 47], [200, 3, 129]] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = randomValues(m * k, m + k, 1);
          const b = randomValues(k * n, k + n + 1, 1);
          const got = await mm().matmul(a, b, m, k, n, { transposeA: ta, transposeB: tb });
          const want = await tfjsMatMul.matmul(a, b, m, k, n, { transposeA: ta, transposeB: tb });
          checkProduct(got, want, a, b, m, k, n, ta, tb, `${m}×${k}·${k}×${n} ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`);
        }
      }
    }
  });

  it('empty and zero-depth products, and shape errors', async () => {
    expect(await mm().matmul(new Float32Array(0), new Float32Array(0), 0, 0, 5)).toEqual(new Float32Array(0));
    expect(await mm().matmul(new Float32Array(0), new Float32Array(0), 2, 0, 3)).toEqual(new Float32Array(6));
    await expect(mm().matmul(new Float32Array(5), new Float32Array(6), 2, 3, 2)).rejects.toThrow(/do not fit/);
  });

  it('the resident operator: A·X and Aᵀ·Y like the tfjs operator', async () => {
    const [rows, cols, n] = [123, 77, 9];
    const a = randomValues(rows * cols, 3, 1);
    const g = gpuOperator(gpu, a, rows, cols, () => tfjsOperator(a, rows, cols));
    const t = tfjsOperator(a, rows, cols);
    try {
      const x = randomValues(cols * n, 4, 1);
      const y = randomValues(rows * n, 5, 1);
      checkProduct(await g.multiply(x, n), await t.multiply(x, n), a, x, rows, cols, n, false, false, 'A·X');
      checkProduct(await g.multiplyTranspose(y, n), await t.multiplyTranspose(y, n), a, y, cols, rows, n, true, false, 'Aᵀ·Y');
    } finally {
      g.dispose();
      t.dispose();
    }
  });

  it('low-rank SVD (svd combine / resize) through the GPU products: the same ΔW to 1e-4', async () => {
    const [rows, rank, cols] = [150, 24, 97];
    const f = { up: randomValues(rows * rank, 7, 0.3), down: randomValues(rank * cols, 8, 0.3), rows, rank, cols };
    const g = await lowRankSVD(f, 12, mm());
    const c = await lowRankSVD(f, 12, tfjsMatMul);
    expect(g.k).toBe(c.k);
    expect(maxRelDiff(reconstruct(g.U, g.S, g.V, rows, cols, g.k), reconstruct(c.U, c.S, c.V, rows, cols, c.k))).toBeLessThan(1e-4);
  });

  it('randomized SVD (extract) with the matrix resident on the GPU: the same ΔW to 1e-4', async () => {
    const [rows, cols, k] = [160, 90, 8];
    // A matrix of numerical rank 8 plus small noise, so the truncation is well defined.
    const u = randomValues(rows * k, 11, 1);
    const v = randomValues(k * cols, 12, 1);
    const data = await tfjsMatMul.matmul(u, v, rows, k, cols);
    const noise = randomValues(rows * cols, 13, 1e-4);
    for (let i = 0; i < data.length; i++) data[i]! += noise[i]!;
    const op = gpuOperator(gpu, data, rows, cols, () => tfjsOperator(data, rows, cols));
    try {
      const g = await randomizedSVD(op, k, mm(), { seed: 3, powerIterations: 2 });
      const c = await randomizedSVD({ data, rows, cols }, k, tfjsMatMul, { seed: 3, powerIterations: 2 });
      expect(maxRelDiff(reconstruct(g.U, g.S, g.V, rows, cols, g.k), reconstruct(c.U, c.S, c.V, rows, cols, c.k))).toBeLessThan(1e-4);
    } finally {
      op.dispose();
    }
  });

  it('products past the adapter\'s largest binding go to the fallback, each counted in the route log with the reason', async () => {
    const small: GpuContext = { ...gpu, maxBinding: 1024 };
    const [m, k, n] = [20, 9, 20];
    const a = randomValues(m * k, 21, 1);
    const b = randomValues(k * n, 22, 1);
    resetRouteLog();
    // 20×20 output = 1600 bytes: past 1024, so the tfjs product; 4×9·9×4 fits.
    expect(await gpuMatMul(small, tfjsMatMul).matmul(a, b, m, k, n)).toEqual(await tfjsMatMul.matmul(a, b, m, k, n));
    await gpuMatMul(small, tfjsMatMul).matmul(a.subarray(0, 36), b.subarray(0, 36), 4, 9, 4);
    const big = randomValues(20 * 20, 23, 1);
    const op = gpuOperator(small, big, 20, 20, () => tfjsOperator(big, 20, 20));
    try {
      await op.multiply(randomValues(20 * 2, 24, 1), 2);
      await op.multiplyTranspose(randomValues(20 * 2, 25, 1), 2);
    } finally {
      op.dispose();
    }
    const routes = routeLog();
    resetRouteLog();
    expect(routes).toEqual([
      {
        op: 'matmul',
        gpu: 1,
        cpu: [{ reason: "an operand past the adapter's largest storage binding", count: 3, detail: 'a 20×9·9×20 product has an operand of 1600 bytes (largest binding 1024)' }],
      },
    ]);
  });
});
