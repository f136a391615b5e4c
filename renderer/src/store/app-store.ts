import { createStore, type StoreApi } from 'zustand/vanilla';
import { createDialogSlice, type DialogSlice } from './dialog-slice.js';
import { createDocumentSlice, type DocumentSlice } from './document-slice.js';
import { createFileSlice, type FileSlice } from './file-slice.js';
import { createRunSlice, type RunSlice } from './run-slice.js';
import { createSelectionSlice, type SelectionSlice } from './selection-slice.js';
import { createUiSlice, type UiSlice } from './ui-slice.js';
import { createValidationSlice, type ValidationSlice } from './validation-slice.js';

export type AppState = DocumentSlice & FileSlice & SelectionSlice & RunSlice & UiSlice & ValidationSlice & DialogSlice;
export type AppStore = StoreApi<AppState>;

/** One store per window (and per test). */
export function createAppStore(): AppStore {
  return createStore<AppState>()((set, get) => ({
    ...createDocumentSlice(set, get),
    ...createFileSlice(set, get),
    ...createSelectionSlice(set, get),
    ...createRunSlice(set, get),
    ...createUiSlice(set, get),
    ...createValidationSlice(set, get),
    ...createDialogSlice(set, get),
  }));
}
