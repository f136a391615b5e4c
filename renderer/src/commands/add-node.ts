import type { GraphNode } from '../../../shared/graph/index.js';
import { defineCommand, type Command } from './command.js';

/** Adds a node built by createNode (its id already allocated, so redo gives the same id). */
export function addNode(node: GraphNode, title: string): Command {
  return defineCommand(`Add ${title}`, (doc) => {
    doc.nodes.push(structuredClone(node));
  });
}
