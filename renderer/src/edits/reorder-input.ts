import { defineEdit, type Edit } from './edit.js';

/**
 * Moves an edge up or down among the edges into the same multi-input port. The inputs of a multi port are
 * ordered by their edges' order in doc.edges (shared/README.md), so this swaps two entries of that array.
 */
export function reorderInput(edgeId: string, direction: -1 | 1): Edit {
  return defineEdit(direction < 0 ? 'Move input up' : 'Move input down', (doc) => {
    const i = doc.edges.findIndex((e) => e.id === edgeId);
    const edge = doc.edges[i];
    if (!edge) return;
    let j = i + direction;
    while (j >= 0 && j < doc.edges.length) {
      const other = doc.edges[j];
      if (other && other.target === edge.target && other.targetPort === edge.targetPort) {
        doc.edges[i] = other;
        doc.edges[j] = edge;
        return;
      }
      j += direction;
    }
  });
}
