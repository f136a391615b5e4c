/**
 * Autosave and crash recovery: one file per graph in <config>/autosave/ (named by a hash of the graph's
 * path; "untitled" for a graph never saved). An autosave is offered back when it is newer than the last
 * explicit save of its file (or the file is gone, or it was never saved); older ones are stale and removed.
 * An explicit save or a clean close removes the graph's autosave.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { recoverySchema, type AutosaveRequest, type Recovery } from '../../../shared/ipc/files.js';
import { writeFileAtomic } from '../../engine/graph/atomic-write.js';

export class AutosaveStore {
  readonly dir: string;

  constructor(configDir: string) {
    this.dir = path.join(configDir, 'autosave');
  }

  fileFor(graphPath: string | null): string {
    const name = graphPath === null ? 'untitled' : createHash('sha256').update(path.resolve(graphPath)).digest('hex').slice(0, 24);
    return path.join(this.dir, `${name}.json`);
  }

  async save(request: AutosaveRequest, now = Date.now()): Promise<void> {
    const graphPath = request.path === null ? null : path.resolve(request.path);
    const record: Recovery = { path: graphPath, savedAt: now, document: request.document };
    await writeFileAtomic(this.fileFor(graphPath), JSON.stringify(record), { createDir: true });
  }

  async forget(graphPath: string | null): Promise<void> {
    await unlink(this.fileFor(graphPath)).catch(() => undefined);
  }

  /** The newest autosave still worth offering, or null; stale and damaged ones are removed on the way. */
  async recovery(): Promise<Recovery | null> {
    let best: Recovery | null = null;
    for (const file of await this.files()) {
      const record = await this.readRecord(file);
      if (record === null || !(await isNewerThanItsFile(record))) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      if (best === null || record.savedAt > best.savedAt) best = record;
    }
    return best;
  }

  async discardAll(): Promise<void> {
    await Promise.all((await this.files()).map((f) => unlink(f).catch(() => undefined)));
  }

  private async files(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => path.join(this.dir, n));
  }

  private async readRecord(file: string): Promise<Recovery | null> {
    try {
      const parsed = recoverySchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }
}

async function isNewerThanItsFile(record: Recovery): Promise<boolean> {
  if (record.path === null) return true;
  const info = await stat(record.path).catch(() => null);
  return info === null || record.savedAt > info.mtimeMs;
}
