/**
 * Worker-pool throughput with 1 and 2 workers: tiny tasks (dispatch overhead), 512³ matmuls, and the SDXL
 * compress workload (722 lowRankSVD tasks, three rank-64 LoRAs stacked, R = 192 → k = 64) fed with submit()
 * backpressure.   node scripts/build.mjs main && npx tsx test/bench/pool.bench.ts
 */
import os from 'node:os';
import { WorkerPool } from '../../main/engine/compute/worker-pool.js';
import { seeded } from './bench-util.js';
import { SDXL_MODULE_COUNT, SDXL_UNET_LORA_MODULES } from './sdxl-shapes.js';

const R = 192;
const K = 64;

async function withPool(size: number, fn: (pool: WorkerPool) => Promise<void>): Promise<void> {
  const pool = new WorkerPool({ size });
  try {
    await pool.ready();
    await fn(pool);
  } finally {
    await pool.close();
  }
}

/** Wall time, and CPU time of the whole process (all threads): the work done, whatever the machine's load. */
async function drain<T>(pool: WorkerPool, count: number, submit: (i: number) => Promise<{ result: Promise<T> }>): Promise<number> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const pending: Promise<T>[] = [];
  for (let i = 0; i < count; i++) pending.push((await submit(i)).result);
  await Promise.all(pending);
  const cpu = process.cpuUsage(cpu0);
  lastCpuSeconds = (cpu.user + cpu.system) / 1e6;
  return performance.now() - t0;
}

let lastCpuSeconds = 0;
const cpuNote = (wallMs: number): string => `(CPU ${lastCpuSeconds.toFixed(2)} s over all threads, ${(lastCpuSeconds / (wallMs / 1000)).toFixed(2)} cores busy on average)`;

console.log(`load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} on ${os.availableParallelism()} cores`);
for (const size of [1, 2]) {
  await withPool(size, async (pool) => {
    const pings = 2000;
    const tPing = await drain(pool, pings, () => pool.submit('ping', {}));
    console.log(`${size} worker(s): ${pings} empty tasks in ${tPing.toFixed(0)} ms → ${((tPing * 1000) / pings).toFixed(0)} µs per task`);

    const n = 512;
    const a = seeded(n * n, 1);
    const b = seeded(n * n, 2);
    const mms = 40;
    const tMm = await drain(pool, mms, () => pool.submit('matmul', { a, b, m: n, k: n, n }));
    console.log(`${size} worker(s): ${mms} matmuls 512³ in ${tMm.toFixed(0)} ms → ${((mms * 2 * n ** 3) / tMm / 1e6).toFixed(1)} GFLOP/s aggregate ${cpuNote(tMm)}`);

    const shapes = SDXL_UNET_LORA_MODULES.map((m, i) => ({ ...m, up: seeded(m.out * R, 100 + i, 0.02), down: seeded(R * m.in, 200 + i, 0.1) }));
    const order = shapes.flatMap((s) => Array.from({ length: s.count }, () => s));
    const tSvd = await drain(pool, order.length, (i) => {
      const s = order[i]!;
      return pool.submit('linalg.lowRankSVD', { up: s.up, down: s.down, rows: s.out, rank: R, cols: s.in, k: K });
    });
    console.log(`${size} worker(s): SDXL compress, ${SDXL_MODULE_COUNT} modules R=${R} → k=${K}: ${(tSvd / 1000).toFixed(2)} s ${cpuNote(tSvd)}`);
  });
}
