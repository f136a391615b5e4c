/**
 * The route counts of every worker thread reach the main thread: a pool of two workers on --backend webgpu
 * (llvmpipe on CI) runs products and low-rank SVDs, one of whose up factors has a column past the float-float
 * Gram's range; WorkerPool.takeRoutes() has the sum of both workers' counts, once. On wasm nothing is counted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../../main/engine/compute/worker-pool.js';
import { randomValues } from '../../../helpers/safetensors.js';
import { testGpu } from '../../../helpers/webgpu.js';

const found = await testGpu();

describe.skipIf(!found.gpu)(`route counts from the worker threads (${found.gpu?.adapter.label ?? 'no adapter'})`, () => {
  const pools: WorkerPool[] = [];
  afterAll(() => Promise.all(pools.map((p) => p.close())));

  it('the pool sums what each task counted on either worker; a take starts again from nothing', { timeout: 60_000 }, async () => {
    const pool = new WorkerPool({ size: 2, backend: 'webgpu' });
    pools.push(pool);
    expect((await pool.ready()).map((i) => i.backend.name)).toEqual(['webgpu', 'webgpu']);
    const products = Array.from({ length: 6 }, (_, i) => pool.run('matmul', { a: randomValues(12 * 7, i, 1), b: randomValues(7 * 5, 50 + i, 1), m: 12, k: 7, n: 5 }));
    const [rows, rank, cols] = [30, 4, 20];
    const svd = (seed: number, wide: boolean): ReturnType<WorkerPool['run']> => {
      const up = randomValues(rows * rank, seed, 1);
      if (wide) up[5 * rank + 2] = 1e-14;
      return pool.run('linalg.lowRankSVD', { up, down: randomValues(rank * cols, seed + 1, 1), rows, rank, cols, k: 3 });
    };
    // Both workers are idle at the start, so the first two tasks run on different threads.
    await Promise.all([...products, svd(100, false), svd(200, true), svd(300, false)]);
    const routes = pool.takeRoutes();
    const gram = routes.find((r) => r.op === 'gram');
    const matmul = routes.find((r) => r.op === 'matmul');
    // Three SVDs, two Grams each; the wide up's Gram on the CPU.
    expect(gram).toEqual({ op: 'gram', gpu: 5, cpu: [{ reason: 'a column spans more than 2^40', count: 1, detail: expect.stringMatching(/^column 2 spans more than 2\^40/) }] });
    // Six products, and each low-rank SVD's two on the seam (U = up·Y_u, V = downᵀ·Y_d).
    expect(matmul).toEqual({ op: 'matmul', gpu: 6 + 3 * 2, cpu: [] });
    expect(pool.takeRoutes()).toEqual([]);
  });

  it('on wasm nothing is counted', { timeout: 60_000 }, async () => {
    const pool = new WorkerPool({ size: 1, backend: 'wasm' });
    pools.push(pool);
    await pool.run('matmul', { a: randomValues(12, 1, 1), b: randomValues(12, 2, 1), m: 3, k: 4, n: 3 });
    await pool.run('linalg.lowRankSVD', { up: randomValues(40, 3, 1), down: randomValues(40, 4, 1), rows: 10, rank: 4, cols: 10, k: 2 });
    expect(pool.takeRoutes()).toEqual([]);
  });
});
