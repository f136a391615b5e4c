/** A worker pool for one CLI command, closed when the command ends (so the process can exit). */
import { createWorkerPool, type WorkerPool } from '../engine/compute/worker-pool.js';
import { EngineError } from '../engine/errors.js';
import { UsageError } from './errors.js';

/** Starts the pool, says on stderr what it computes on (unless quiet), runs `fn`, and always stops the pool. */
export async function withPool<T>(workers: string | undefined, fn: (pool: WorkerPool) => Promise<T>, quiet = false): Promise<T> {
  let size: number | undefined;
  if (workers !== undefined) {
    size = Number(workers);
    if (!Number.isInteger(size) || size < 1 || size > 256) throw new UsageError(`--workers ${workers}: a whole number from 1 to 256.`);
  }
  const pool = createWorkerPool(size === undefined ? {} : { size });
  try {
    const info = await pool.ready();
    if (info.length === 0) throw new EngineError('no-workers', 'No engine worker could start.');
    if (!quiet) process.stderr.write(`compute: ${info[0]!.backend.name} (${info[0]!.backend.detail}) × ${info.length} worker thread${info.length === 1 ? '' : 's'}\n`);
    return await fn(pool);
  } finally {
    await pool.terminate();
  }
}
