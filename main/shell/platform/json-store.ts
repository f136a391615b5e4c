/** A JSON file under the config folder, read leniently (missing or damaged: the fallback) and written atomically, one write at a time. */
import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { writeFileAtomic } from '../../engine/graph/atomic-write.js';

export class JsonStore<T> {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly fallback: () => T,
  ) {}

  async read(): Promise<T> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return this.fallback();
    }
    try {
      const parsed = this.schema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : this.fallback();
    } catch {
      return this.fallback();
    }
  }

  /** Read-modify-write, serialised so concurrent updates never lose one another. */
  update(change: (current: T) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const value = change(await this.read());
      await writeFileAtomic(this.file, `${JSON.stringify(value, null, 2)}\n`, { createDir: true });
      return value;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
