import type { SliceCreator } from './slice.js';

export interface Selection {
  readonly nodes: readonly string[];
  readonly edges: readonly string[];
}

export const EMPTY_SELECTION: Selection = { nodes: [], edges: [] };

export interface SelectionSlice {
  /** Not part of the document: never in the history, never saved. */
  readonly selection: Selection;
  setSelection(selection: Selection): void;
  selectNodes(ids: readonly string[]): void;
  selectEdge(id: string): void;
  clearSelection(): void;
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

export const createSelectionSlice: SliceCreator<SelectionSlice> = (set, get) => ({
  selection: EMPTY_SELECTION,
  setSelection(selection) {
    const cur = get().selection;
    if (same(cur.nodes, selection.nodes) && same(cur.edges, selection.edges)) return;
    set({ selection: { nodes: [...selection.nodes], edges: [...selection.edges] } });
  },
  selectNodes(ids) {
    get().setSelection({ nodes: ids, edges: [] });
  },
  selectEdge(id) {
    get().setSelection({ nodes: [], edges: [id] });
  },
  clearSelection() {
    get().setSelection(EMPTY_SELECTION);
  },
});
