import type { NodeMode } from '../../../shared/graph/index.js';
import { setNodeMode } from '../edits/set-node-mode.js';
import type { AppStore } from '../store/app-store.js';

/** Ctrl+B / Ctrl+M: sets the mode on the selected nodes, or clears it when every one of them has it. */
export function toggleNodeMode(store: AppStore, mode: NodeMode, nodeIds?: readonly string[]): boolean {
  const s = store.getState();
  const ids = nodeIds ?? s.selection.nodes;
  if (ids.length === 0) return false;
  const all = ids.every((id) => s.doc.nodes.find((n) => n.id === id)?.mode === mode);
  return s.dispatch(setNodeMode(ids, all ? undefined : mode, mode));
}
