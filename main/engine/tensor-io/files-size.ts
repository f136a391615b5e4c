import { stat } from 'node:fs/promises';

/** Bytes on disk of a set of files (a sharded checkpoint's shards and index, a PEFT directory's files). */
export async function filesSize(files: readonly string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await stat(f)).size;
  return total;
}
