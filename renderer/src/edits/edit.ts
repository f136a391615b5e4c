import type { GraphDocument } from '../../../shared/graph/index.js';

/**
 * A named user action on the graph document. `apply` mutates an immer draft of it; the store records the
 * patches it produces, so undo/redo never re-runs a edit (ids and positions stay exactly as they were).
 */
export interface Edit {
  /** What the undo/redo menu says: "Add Load LoRA", "Move 3 nodes". */
  readonly label: string;
  apply(doc: GraphDocument): void;
}

export const defineEdit = (label: string, apply: (doc: GraphDocument) => void): Edit => ({ label, apply });

/** Several edits as one history entry (add a node and connect it). */
export function composite(label: string, edits: readonly Edit[]): Edit {
  return defineEdit(label, (doc) => {
    for (const c of edits) c.apply(doc);
  });
}
