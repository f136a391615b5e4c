import type { GraphEdge, GraphNode } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

/** Adds nodes and edges whose ids are already fresh (paste, duplicate). */
export function insertFragment(nodes: readonly GraphNode[], edges: readonly GraphEdge[], label: string): Edit {
  return defineEdit(label, (doc) => {
    for (const n of nodes) doc.nodes.push(structuredClone(n));
    for (const e of edges) doc.edges.push(structuredClone(e));
  });
}
