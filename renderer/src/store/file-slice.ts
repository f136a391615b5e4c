import type { SliceCreator } from './slice.js';
import { historyPosition } from './history.js';

export interface FileSlice {
  /** The graph file the document belongs to; null until saved. */
  readonly filePath: string | null;
  /** History position of the last save or open (see historyPosition). */
  readonly savedPosition: number;
  /** The document came from an autosave recovery and has never been saved by the user. */
  readonly recovered: boolean;
  markSaved(path: string): void;
  /** After New / Open: the document as it is now is the clean state. */
  markOpened(path: string | null, options?: { recovered?: boolean }): void;
}

export const createFileSlice: SliceCreator<FileSlice> = (set, get) => ({
  filePath: null,
  savedPosition: 0,
  recovered: false,
  markSaved(path) {
    set({ filePath: path, savedPosition: historyPosition(get().history), recovered: false });
  },
  markOpened(path, options) {
    set({ filePath: path, savedPosition: historyPosition(get().history), recovered: options?.recovered ?? false });
  },
});
