import { removeElements } from '../edits/remove-elements.js';
import type { AppStore } from '../store/app-store.js';

export function deleteSelection(store: AppStore): boolean {
  const s = store.getState();
  const { nodes, edges } = s.selection;
  if (nodes.length === 0 && edges.length === 0) return false;
  const changed = s.dispatch(removeElements(nodes, edges));
  s.clearSelection();
  return changed;
}
