import { moveNodes } from '../edits/move-nodes.js';
import { autoLayout } from '../graph/auto-layout.js';
import type { AppStore } from '../store/app-store.js';

/** Default size of a node not measured yet (nodes outside the view may not be). */
export const DEFAULT_NODE_SIZE = { width: 260, height: 140 };

/** Lays out the whole graph (one undo entry). `sizeOf` gives measured node sizes. */
export function layoutGraph(store: AppStore, sizeOf: (id: string) => { width: number; height: number } | undefined): boolean {
  const s = store.getState();
  const nodes = s.doc.nodes.map((n) => ({ id: n.id, position: n.position, ...(sizeOf(n.id) ?? DEFAULT_NODE_SIZE) }));
  return s.dispatch(moveNodes(autoLayout(nodes, s.doc.edges), 'Auto layout'));
}
