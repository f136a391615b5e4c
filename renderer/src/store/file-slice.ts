import type { SliceCreator } from './slice.js';
import { parentPath } from '../graph/paths.js';
import { historyPosition } from './history.js';

export interface FileSlice {
  /** The graph file the document belongs to; null until saved. */
  readonly filePath: string | null;
  /** History position of the last save or open (see historyPosition). */
  readonly savedPosition: number;
  /** The document came from an autosave recovery and has never been saved by the user. */
  readonly recovered: boolean;
  /**
   * The folder relative file params are written against: the graph file's folder, kept for an untitled copy
   * of an example (the engine resolves them the same way when it runs).
   */
  readonly sourceDir: string | null;
  markSaved(path: string): void;
  /** After New / Open: the document as it is now is the clean state. */
  markOpened(path: string | null, options?: { recovered?: boolean; sourceDir?: string | null }): void;
}

export const createFileSlice: SliceCreator<FileSlice> = (set, get) => ({
  filePath: null,
  savedPosition: 0,
  recovered: false,
  sourceDir: null,
  markSaved(path) {
    set({ filePath: path, savedPosition: historyPosition(get().history), recovered: false, sourceDir: parentPath(path) ?? null });
  },
  markOpened(path, options) {
    const sourceDir = options?.sourceDir !== undefined ? options.sourceDir : path !== null ? (parentPath(path) ?? null) : null;
    set({ filePath: path, savedPosition: historyPosition(get().history), recovered: options?.recovered ?? false, sourceDir });
  },
});
