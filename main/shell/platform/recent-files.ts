/** The recent graph files, newest first, kept in <config>/recent-files.json; files that vanished are left out. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { recentFileSchema, type RecentFile } from '../../../shared/ipc/files.js';
import { JsonStore } from './json-store.js';

export const MAX_RECENT_FILES = 12;

export class RecentFiles {
  private readonly store: JsonStore<RecentFile[]>;

  constructor(configDir: string, private readonly max = MAX_RECENT_FILES) {
    this.store = new JsonStore(path.join(configDir, 'recent-files.json'), z.array(recentFileSchema), () => []);
  }

  async list(): Promise<RecentFile[]> {
    return (await this.store.read()).filter((f) => existsSync(f.path));
  }

  async add(file: string, now = Date.now()): Promise<void> {
    const abs = path.resolve(file);
    await this.store.update((list) => [{ path: abs, name: path.basename(abs), openedAt: now }, ...list.filter((f) => f.path !== abs)].slice(0, this.max));
  }

  async clear(): Promise<void> {
    await this.store.update(() => []);
  }
}
