import type { NodeRegistry } from '../nodes/registry.js';
import type { GraphNode } from './document.js';

/** The title a user sees: the node's own, else its definition's, else its type id. */
export function nodeTitle(node: Pick<GraphNode, 'type' | 'title'>, registry: NodeRegistry): string {
  const own = node.title?.trim();
  return own ? own : (registry.get(node.type)?.title ?? node.type);
}
