/**
 * A file's hashes computed on a worker thread: an output's recipe hashes its inputs while the other workers
 * write the output, and no sha256 work blocks the main thread's event loop, which hands the workers their
 * tasks (hashing there made an SD 1.5 bake 2.7× slower). With a cold hash cache the hashing's CPU time
 * (one sha256 stream for a checkpoint, about 0.6 s per GB here; two for a LoRA) is shared with the save instead of added before or after it.
 */
import { defineTask } from '../compute/task.js';
import type { WorkerPool } from '../compute/worker-pool.js';
import type { FileHasher } from '../tensor-io/hash-cache.js';
import { computeFileHashes, type FileHashes } from '../tensor-io/hashes.js';

export interface HashFilePayload {
  readonly file: string;
  /** HashOptions.dataHash. */
  readonly dataHash: boolean;
}

export const hashFileTask = defineTask<HashFilePayload, FileHashes>(async ({ file, dataHash }, ctx) => ({ result: await computeFileHashes(file, { signal: ctx.signal, dataHash }) }));

/** A FileHasher that runs on `pool` (progress is not reported from there). */
export function workerHasher(pool: WorkerPool): FileHasher {
  return (file, options) => pool.run('hash.file', { file, dataHash: options.dataHash !== false }, options.signal ? { signal: options.signal } : {});
}
