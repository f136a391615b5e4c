import { defineEdit, type Edit } from './edit.js';

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** Deletes nodes (with every edge touching them) and edges. */
export function removeElements(nodeIds: readonly string[], edgeIds: readonly string[]): Edit {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const label = nodes.size > 0 ? `Delete ${plural(nodes.size, 'node')}` : `Delete ${plural(edges.size, 'connection')}`;
  return defineEdit(label, (doc) => {
    for (let i = doc.edges.length - 1; i >= 0; i--) {
      const e = doc.edges[i];
      if (e && (edges.has(e.id) || nodes.has(e.source) || nodes.has(e.target))) doc.edges.splice(i, 1);
    }
    for (let i = doc.nodes.length - 1; i >= 0; i--) {
      const n = doc.nodes[i];
      if (n && nodes.has(n.id)) doc.nodes.splice(i, 1);
    }
  });
}
