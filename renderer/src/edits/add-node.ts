import type { GraphNode } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

/** Adds a node built by createNode (its id already allocated, so redo gives the same id). */
export function addNode(node: GraphNode, title: string): Edit {
  return defineEdit(`Add ${title}`, (doc) => {
    doc.nodes.push(structuredClone(node));
  });
}
