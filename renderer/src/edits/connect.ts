import type { GraphEdge } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

/** Adds an edge that canConnect accepted; `replaces` is the edge it takes the place of on a single-input port. */
export function connect(edge: GraphEdge, replaces?: string): Edit {
  return defineEdit('Connect', (doc) => {
    if (replaces !== undefined) {
      const i = doc.edges.findIndex((e) => e.id === replaces);
      // In place, so a replaced input keeps its position among the edges (the order of multi inputs).
      if (i >= 0) {
        doc.edges[i] = structuredClone(edge);
        return;
      }
    }
    doc.edges.push(structuredClone(edge));
  });
}
