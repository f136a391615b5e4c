/**
 * Positional writes into a file another object owns (the temporary output of a TensorWriter, through its
 * placement()): worker threads write the tensors they compute straight to their place, so the bytes never
 * travel back to the main thread. Synchronous, for worker threads.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { TensorIOError, systemErrorText } from './errors.js';

/**
 * Opens `file` for writing (it must exist), gives `use` a write(bytes, offset) that puts bytes at
 * base + offset, and closes the file afterwards. Failures are TensorIOError('write-failed').
 */
export async function withPositionalWriter<T>(file: string, base: number, use: (write: (bytes: Uint8Array, offset: number) => void) => Promise<T>): Promise<T> {
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
      while (done < bytes.byteLength) done += writeSync(fd, bytes, done, bytes.byteLength - done, base + offset + done);
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
