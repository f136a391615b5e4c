import type { GraphDocument } from '../../../shared/graph/index.js';

/**
 * A named user action on the graph document. `apply` mutates an immer draft of it; the store records the
 * patches it produces, so undo/redo never re-runs a command (ids and positions stay exactly as they were).
 */
export interface Command {
  /** What the undo/redo menu says: "Add Load LoRA", "Move 3 nodes". */
  readonly label: string;
  apply(doc: GraphDocument): void;
}

export const defineCommand = (label: string, apply: (doc: GraphDocument) => void): Command => ({ label, apply });

/** Several commands as one history entry (add a node and connect it). */
export function composite(label: string, commands: readonly Command[]): Command {
  return defineCommand(label, (doc) => {
    for (const c of commands) c.apply(doc);
  });
}
