/**
 * Positional writes into a file another object owns (the temporary output of a TensorWriter, through its
 * placement()): worker threads write the tensors they compute straight to their place, so the bytes never
 * travel back to the main thread. Synchronous, for worker threads.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { TensorIOError, systemErrorText } from './errors.js';

/**
 * A lock shared by the threads that write into one file (a SharedArrayBuffer of 4 bytes). Writes into one
 * file serialise on its inode lock in the kernel anyway, and a thread that waits there spins on the CPU the
 * writer would leave to the others (2 workers on 2 cores: ~10 % of all CPU time); waiting on this lock
 * sleeps instead.
 */
export function createWriteLock(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}

function locked<T>(lock: SharedArrayBuffer | undefined, fn: () => T): T {
  if (!lock) return fn();
  const word = new Int32Array(lock);
  while (Atomics.compareExchange(word, 0, 0, 1) !== 0) Atomics.wait(word, 0, 1);
  try {
    return fn();
  } finally {
    Atomics.store(word, 0, 0);
    Atomics.notify(word, 0, 1);
  }
}

/**
 * Opens `file` for writing (it must exist), gives `use` a write(bytes, offset) that puts bytes at
 * base + offset, and closes the file afterwards. Failures are TensorIOError('write-failed'). With `lock`
 * (createWriteLock, worker threads only: it may block), each write holds it.
 */
export async function withPositionalWriter<T>(file: string, base: number, use: (write: (bytes: Uint8Array, offset: number) => void) => Promise<T>, lock?: SharedArrayBuffer): Promise<T> {
  const failed = (err: unknown, at: number): TensorIOError => {
    if (err instanceof TensorIOError) return err;
    const code = (err as NodeJS.ErrnoException).code;
    return new TensorIOError('write-failed', file, `writing failed at byte ${at} (${systemErrorText(err)}).`, {
      cause: err,
      hint: code === 'ENOSPC' ? 'The disk is full: free space or write elsewhere.' : 'Check the disk and the permissions of the output directory.',
    });
  };
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (err) {
    throw failed(err, base);
  }
  const write = (bytes: Uint8Array, offset: number): void => {
    let done = 0;
    try {
      locked(lock, () => {
        while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, base + offset + done);
      });
    } catch (err) {
      throw failed(err, base + offset + done);
    }
  };
  try {
    return await use(write);
  } finally {
    closeSync(fd);
  }
}
