/**
 * Undo/redo as immer patches: each entry holds the patches a gesture produced and their inverses. A gesture
 * (a whole drag, a whole slider movement) is one entry however many edits it dispatched. Selection and
 * viewport are not in the document, so they never enter the history.
 */
import { applyPatches, enablePatches, produceWithPatches, type Patch } from 'immer';
import type { GraphDocument } from '../../../shared/graph/index.js';
import type { Edit } from '../edits/edit.js';

enablePatches();

// immer's recursive Draft type over JSON params is too deep for the compiler; a draft of the document is
// used exactly like the document, so the recipe sees it as one.
const produceDocument = produceWithPatches as unknown as (base: GraphDocument, recipe: (draft: GraphDocument) => void) => [GraphDocument, Patch[], Patch[]];

export interface HistoryEntry {
  /** Unique within a session; the dirty flag compares the top entry's id with the saved one. */
  readonly id: number;
  readonly label: string;
  readonly patches: readonly Patch[];
  readonly inverse: readonly Patch[];
}

export interface History {
  readonly past: readonly HistoryEntry[];
  readonly future: readonly HistoryEntry[];
  /** The entry a gesture in progress keeps extending (it is also past's last entry once it changed anything). */
  readonly gesture: { readonly label: string; readonly entryId: number | null } | null;
}

export const EMPTY_HISTORY: History = { past: [], future: [], gesture: null };
/** How many entries undo keeps. */
export const HISTORY_LIMIT = 500;

let nextEntryId = 1;
const newEntryId = (): number => nextEntryId++;

export interface Applied {
  readonly doc: GraphDocument;
  readonly history: History;
  readonly changed: boolean;
}

/** Applies a edit; records it as a new entry, or extends the open gesture's entry. */
export function applyEdit(doc: GraphDocument, history: History, edit: Edit): Applied {
  const [next, patches, inverse] = produceDocument(doc, (draft) => {
    edit.apply(draft);
  });
  if (patches.length === 0) return { doc, history, changed: false };
  const gesture = history.gesture;
  const last = history.past[history.past.length - 1];
  if (gesture && gesture.entryId !== null && last && last.id === gesture.entryId) {
    const merged: HistoryEntry = { id: last.id, label: last.label, patches: [...last.patches, ...patches], inverse: [...inverse, ...last.inverse] };
    return { doc: next, history: { past: [...history.past.slice(0, -1), merged], future: [], gesture }, changed: true };
  }
  const entry: HistoryEntry = { id: newEntryId(), label: gesture?.label ?? edit.label, patches, inverse };
  const past = [...history.past, entry].slice(-HISTORY_LIMIT);
  return { doc: next, history: { past, future: [], gesture: gesture ? { label: gesture.label, entryId: entry.id } : null }, changed: true };
}

export function beginGesture(history: History, label: string): History {
  return { ...history, gesture: { label, entryId: null } };
}

export function endGesture(history: History): History {
  return history.gesture ? { ...history, gesture: null } : history;
}

export function undo(doc: GraphDocument, history: History): Applied {
  const h = endGesture(history);
  const entry = h.past[h.past.length - 1];
  if (!entry) return { doc, history: h, changed: false };
  return { doc: applyPatches(doc, entry.inverse as Patch[]), history: { past: h.past.slice(0, -1), future: [entry, ...h.future], gesture: null }, changed: true };
}

export function redo(doc: GraphDocument, history: History): Applied {
  const h = endGesture(history);
  const entry = h.future[0];
  if (!entry) return { doc, history: h, changed: false };
  return { doc: applyPatches(doc, entry.patches as Patch[]), history: { past: [...h.past, entry], future: h.future.slice(1), gesture: null }, changed: true };
}

/** The id of the state the document is in: 0 before any entry (as opened). */
export const historyPosition = (history: History): number => history.past[history.past.length - 1]?.id ?? 0;
