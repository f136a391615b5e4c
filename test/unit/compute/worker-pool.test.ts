import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceMatMul } from '../../../main/engine/compute/matmul.js';
import { defaultPoolSize, WorkerPool } from '../../../main/engine/compute/worker-pool.js';
import { lowRankSVD } from '../../../main/engine/linalg/low-rank-svd.js';
import type { TaskName } from '../../../main/engine/workers/worker-tasks.js';
import { CancelledError, EngineError } from '../../../main/engine/errors.js';
import { randomValues } from '../../helpers/safetensors.js';

const settleState = <T>(p: Promise<T>): Promise<'settled' | 'pending'> =>
  Promise.race([p.then(() => 'settled' as const, () => 'settled' as const), new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);

describe('WorkerPool with two workers', () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = new WorkerPool({ size: 2 });
    const infos = await pool.ready();
    expect(infos.map((i) => i.backend.name)).toEqual(['wasm', 'wasm']);
  });
  afterAll(() => pool.close());

  it('runs tasks on both workers at once', async () => {
    const [a, b] = await Promise.all([pool.run('ping', { delayMs: 100 }), pool.run('ping', { delayMs: 100 })]);
    expect(new Set([a.threadId, b.threadId]).size).toBe(2);
    const threads = (await pool.ready()).map((i) => i.threadId).sort();
    expect([a.threadId, b.threadId].sort()).toEqual(threads);
  });

  it('moves buffers both ways', async () => {
    const data = Float32Array.from([1, 2, 3, 4, 5]);
    const echo = await pool.run('ping', { echo: data.buffer }, { transfer: [data.buffer] });
    expect(data.byteLength).toBe(0);
    expect(Array.from(new Float32Array(echo.echo!))).toEqual([1, 2, 3, 4, 5]);
  });

  it('multiplies on a worker like the reference', async () => {
    const a = randomValues(5 * 7, 11);
    const b = randomValues(7 * 3, 12);
    const c = await pool.run('matmul', { a, b, m: 5, k: 7, n: 3 });
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let p = 0; p < 7; p++) s += a[i * 7 + p]! * b[p * 3 + j]!;
        expect(c[i * 3 + j]).toBeCloseTo(s, 5);
      }
    }
  });

  it('compresses a LoRA product on a worker like in-process', async () => {
    const up = randomValues(96 * 12, 21, 0.1);
    const down = randomValues(12 * 80, 22, 0.1);
    const local = await lowRankSVD({ up, down, rows: 96, rank: 12, cols: 80 }, 5, referenceMatMul);
    const remote = await pool.run('linalg.lowRankSVD', { up, down, rows: 96, rank: 12, cols: 80, k: 5 });
    expect(remote.S).toEqual(local.S);
    expect(remote.U).toBeInstanceOf(Float32Array);
    for (let i = 0; i < remote.U.length; i++) expect(remote.U[i]).toBeCloseTo(local.U[i]!, 5);
  });

  it('runs a randomized SVD on a worker with the matrix kept on its backend', async () => {
    const left = randomValues(60 * 3, 23);
    const right = randomValues(3 * 40, 24);
    const data = await referenceMatMul.matmul(left, right, 60, 3, 40);
    const local = await lowRankSVD({ up: left, down: right, rows: 60, rank: 3, cols: 40 }, 3, referenceMatMul);
    const remote = await pool.run('linalg.randomizedSVD', { data, rows: 60, cols: 40, k: 3, powerIterations: 1 }, { transfer: [data.buffer as ArrayBuffer] });
    expect(remote.k).toBe(3);
    for (let i = 0; i < 3; i++) expect(Math.abs(remote.S[i]! - local.S[i]!) / local.S[i]!).toBeLessThan(1e-5);
    expect(remote.frobeniusSquared).toBeCloseTo(local.frobeniusSquared, 5);
  });

  it('rejects with the worker error, its EngineError fields intact', async () => {
    const fail = { code: 'bad-dtype', message: 'x.safetensors: tensor w has dtype Q4', file: 'x.safetensors', tensor: 'w', module: 'unet.m', node: 'n1', hint: 'convert it' };
    const err = await pool.run('ping', { fail }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    const e = err as EngineError;
    expect({ code: e.code, message: e.message, file: e.file, tensor: e.tensor, module: e.module, node: e.node, hint: e.hint }).toEqual(fail);
    // Stacks point into the bundle unless source maps are asked for (LORA_STUDIO_DEBUG, or sourceMaps: true).
    expect(e.stack).toContain('engine-worker.js');
    const mapped = new WorkerPool({ size: 1, sourceMaps: true });
    try {
      const mappedErr = (await mapped.run('ping', { fail }).catch((x: unknown) => x)) as EngineError;
      expect(mappedErr.stack).toContain('compute/tasks/ping.ts');
    } finally {
      await mapped.close();
    }
  });

  it('refuses an unknown task by name', async () => {
    const err = await pool.run('no-such-task' as TaskName, {} as never).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('unknown-task');
  });

  it('cancels a running task cooperatively, and the worker stays usable', async () => {
    const ctrl = new AbortController();
    const long = pool.run('ping', { delayMs: 60_000 }, { signal: ctrl.signal });
    ctrl.abort();
    await expect(long).rejects.toBeInstanceOf(CancelledError);
    const again = await Promise.all([pool.run('ping', {}), pool.run('ping', {})]);
    expect(again).toHaveLength(2);
  });

  it('an already aborted signal never reaches a worker', async () => {
    await expect(pool.run('ping', {}, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CancelledError);
  });
});

describe('WorkerPool with one worker', () => {
  it('drops a cancelled queued task and runs the rest', async () => {
    const pool = new WorkerPool({ size: 1 });
    try {
      const ctrl = new AbortController();
      const first = pool.run('ping', { delayMs: 200 });
      const queued = pool.run('ping', {}, { signal: ctrl.signal });
      const third = pool.run('ping', {});
      expect(pool.stats().queued).toBeGreaterThanOrEqual(2);
      ctrl.abort();
      await expect(queued).rejects.toBeInstanceOf(CancelledError);
      expect((await first).threadId).toBe((await third).threadId);
    } finally {
      await pool.close();
    }
  });

  it('submit() holds the producer back while the queue is full', async () => {
    const pool = new WorkerPool({ size: 1, maxQueue: 1 });
    try {
      await pool.ready();
      const ctrl = new AbortController();
      const running = await pool.submit('ping', { delayMs: 60_000 }, { signal: ctrl.signal });
      const waiting = await pool.submit('ping', {}, { signal: ctrl.signal });
      const third = pool.submit('ping', {});
      expect(await settleState(third)).toBe('pending');
      expect(pool.stats()).toMatchObject({ queued: 1, running: 1 });
      ctrl.abort();
      await expect(running.result).rejects.toBeInstanceOf(CancelledError);
      await expect(waiting.result).rejects.toBeInstanceOf(CancelledError);
      await expect((await third).result).resolves.toMatchObject({ backend: 'wasm' });
    } finally {
      await pool.close();
    }
  });

  it('replaces a worker whose cancelled task does not stop', async () => {
    const pool = new WorkerPool({ size: 1, cancelGraceMs: 50 });
    try {
      const [{ threadId: before }] = await pool.ready();
      const ctrl = new AbortController();
      const stuck = pool.run('ping', { busyMs: 30_000 }, { signal: ctrl.signal });
      await new Promise((r) => setTimeout(r, 100));
      ctrl.abort();
      await expect(stuck).rejects.toBeInstanceOf(CancelledError);
      const after = await pool.run('ping', {});
      expect(after.threadId).not.toBe(before);
    } finally {
      await pool.close();
    }
  });

  it('a crashed worker fails its task with a clear error and is replaced', async () => {
    const pool = new WorkerPool({ size: 1 });
    try {
      const err = await pool.run('ping', { crash: true }).catch((e: unknown) => e);
      expect((err as EngineError).code).toBe('worker-crashed');
      expect((err as EngineError).message).toContain('"ping"');
      await expect(pool.run('ping', {})).resolves.toMatchObject({ backend: 'wasm' });
    } finally {
      await pool.close();
    }
  });

  it('terminate() rejects everything pending with CancelledError', async () => {
    const pool = new WorkerPool({ size: 1 });
    const a = pool.run('ping', { busyMs: 30_000 }).catch((e: unknown) => e);
    const b = pool.run('ping', {}).catch((e: unknown) => e);
    await pool.terminate();
    expect(await a).toBeInstanceOf(CancelledError);
    expect(await b).toBeInstanceOf(CancelledError);
    await expect(pool.run('ping', {})).rejects.toMatchObject({ code: 'pool-closed' });
  });

  it('reports a worker that cannot start', async () => {
    const pool = new WorkerPool({ size: 1, backend: 'quantum' as 'cpu' });
    const err = await pool.run('ping', {}).catch((e: unknown) => e);
    expect((err as EngineError).code).toBe('worker-start-failed');
    expect((err as EngineError).message).toContain('Unknown compute backend "quantum"');
    await expect(pool.ready()).rejects.toMatchObject({ code: 'worker-start-failed' });
    await pool.terminate();
  });
});

describe('pool size', () => {
  it('comes from LORA_STUDIO_WORKERS, validated', () => {
    expect(defaultPoolSize({ LORA_STUDIO_WORKERS: '3' })).toBe(3);
    expect(defaultPoolSize({})).toBeGreaterThanOrEqual(1);
    expect(() => defaultPoolSize({ LORA_STUDIO_WORKERS: '0' })).toThrow(EngineError);
    expect(() => new WorkerPool({ size: 1.5 })).toThrow(/not a worker or queue count/);
    expect(() => new WorkerPool({ size: 1, maxQueue: 0 })).toThrow(EngineError);
  });
});

describe('process exit', () => {
  it('a program that used a pool and never closed it still exits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ls-pool-exit-'));
    const script = path.join(dir, 'use-pool.mts');
    const poolModule = path.resolve('main/engine/compute/worker-pool.ts');
    writeFileSync(script, `import { WorkerPool } from ${JSON.stringify(poolModule)};
const pool = new WorkerPool({ size: 2 });
const r = await Promise.all([pool.run('ping', {}), pool.run('ping', {})]);
console.log(JSON.stringify(r.map((x) => x.backend)));
`);
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { timeout: 30_000 });
    expect(stdout.trim()).toBe('["wasm","wasm"]');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
