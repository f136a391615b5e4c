import type { GraphDocument, GraphNode } from '../../../shared/graph/index.js';
import type { AppState } from './app-store.js';
import { historyPosition } from './history.js';

export const selectIsDirty = (s: AppState): boolean => historyPosition(s.history) !== s.savedPosition || s.recovered;

/** "untitled" until the graph has a file or a name. */
export function documentName(s: Pick<AppState, 'filePath' | 'doc'>): string {
  if (s.filePath) {
    const base = s.filePath.split(/[\\/]/).pop() ?? s.filePath;
    return base.replace(/\.json$/i, '');
  }
  return s.doc.metadata?.name ?? 'Untitled graph';
}

const nodeIndexCache = new WeakMap<readonly GraphNode[], ReadonlyMap<string, GraphNode>>();

/** id -> node, computed once per nodes array (immer keeps the array while no node changes). */
export function nodeIndex(nodes: readonly GraphNode[]): ReadonlyMap<string, GraphNode> {
  let index = nodeIndexCache.get(nodes);
  if (!index) {
    index = new Map(nodes.map((n) => [n.id, n]));
    nodeIndexCache.set(nodes, index);
  }
  return index;
}

export const findNode = (doc: GraphDocument, id: string): GraphNode | undefined => nodeIndex(doc.nodes).get(id);
