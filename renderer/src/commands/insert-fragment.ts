import type { GraphEdge, GraphNode } from '../../../shared/graph/index.js';
import { defineCommand, type Command } from './command.js';

/** Adds nodes and edges whose ids are already fresh (paste, duplicate). */
export function insertFragment(nodes: readonly GraphNode[], edges: readonly GraphEdge[], label: string): Command {
  return defineCommand(label, (doc) => {
    for (const n of nodes) doc.nodes.push(structuredClone(n));
    for (const e of edges) doc.edges.push(structuredClone(e));
  });
}
