import { emptyGraph, idAllocatorFor, type GraphDocument, type IdAllocator } from '../../../shared/graph/index.js';
import type { Edit } from '../edits/edit.js';
import * as history from './history.js';
import type { SliceCreator } from './slice.js';

export interface DocumentSlice {
  readonly doc: GraphDocument;
  readonly history: history.History;
  /** Allocates node and edge ids; never hands out an id twice in a session (a deleted node's status may still show). */
  readonly ids: IdAllocator;
  /** Applies a user action and records it for undo. */
  dispatch(edit: Edit): boolean;
  /** Until endGesture, every dispatch joins one history entry (a drag, a slider movement, typing in a field). */
  beginGesture(label: string): void;
  endGesture(): void;
  undo(): void;
  redo(): void;
  /** Replaces the document (New, Open, recovery): history starts over. */
  replaceDocument(doc: GraphDocument): void;
}

export const createDocumentSlice: SliceCreator<DocumentSlice> = (set, get) => ({
  doc: emptyGraph(),
  history: history.EMPTY_HISTORY,
  ids: idAllocatorFor(emptyGraph()),
  dispatch(edit) {
    const r = history.applyEdit(get().doc, get().history, edit);
    if (r.changed) set({ doc: r.doc, history: r.history });
    return r.changed;
  },
  beginGesture(label) {
    set({ history: history.beginGesture(get().history, label) });
  },
  endGesture() {
    const h = get().history;
    if (h.gesture) set({ history: history.endGesture(h) });
  },
  undo() {
    const r = history.undo(get().doc, get().history);
    set({ doc: r.doc, history: r.history });
  },
  redo() {
    const r = history.redo(get().doc, get().history);
    set({ doc: r.doc, history: r.history });
  },
  replaceDocument(doc) {
    set({ doc, history: history.EMPTY_HISTORY, ids: idAllocatorFor(doc) });
  },
});
