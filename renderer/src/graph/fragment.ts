/**
 * Copy/paste as JSON text, so nodes travel between windows (and to a text editor) through the system
 * clipboard. Pasting allocates fresh ids, keeps only the edges between pasted nodes and moves the nodes
 * to where they are pasted, keeping their relative layout.
 */
import { z } from 'zod';
import { graphEdgeSchema, graphNodeSchema, type GraphDocument, type GraphEdge, type GraphNode, type IdAllocator, type Position } from '../../../shared/graph/index.js';

export const FRAGMENT_FORMAT = 'lora-studio-fragment';

const fragmentSchema = z.object({
  format: z.enum([FRAGMENT_FORMAT, 'lora-studio-graph']),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
});

export interface Fragment {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** The selected nodes and the edges between them. */
export function extractFragment(doc: GraphDocument, nodeIds: readonly string[]): Fragment {
  const ids = new Set(nodeIds);
  return { nodes: doc.nodes.filter((n) => ids.has(n.id)), edges: doc.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) };
}

export function serializeFragment(f: Fragment): string {
  return JSON.stringify({ format: FRAGMENT_FORMAT, nodes: f.nodes, edges: f.edges }, null, 2);
}

/** A fragment (or a whole graph file) from clipboard text; undefined when the text is something else. */
export function parseFragment(text: string): Fragment | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = fragmentSchema.safeParse(value);
  return r.success ? { nodes: r.data.nodes, edges: r.data.edges } : undefined;
}

export function fragmentOrigin(f: Fragment): Position {
  const xs = f.nodes.map((n) => n.position.x);
  const ys = f.nodes.map((n) => n.position.y);
  return { x: Math.min(...xs), y: Math.min(...ys) };
}

/** New ids for every node and edge; positions moved so the fragment's top-left lands on `at`. */
export function remapFragment(f: Fragment, ids: IdAllocator, at: Position): Fragment {
  if (f.nodes.length === 0) return { nodes: [], edges: [] };
  const origin = fragmentOrigin(f);
  const idMap = new Map<string, string>();
  const nodes = f.nodes.map((n) => {
    const id = ids.nodeId(n.type);
    idMap.set(n.id, id);
    return { ...structuredClone(n), id, position: { x: n.position.x - origin.x + at.x, y: n.position.y - origin.y + at.y } };
  });
  const edges: GraphEdge[] = [];
  for (const e of f.edges) {
    const source = idMap.get(e.source);
    const target = idMap.get(e.target);
    if (source === undefined || target === undefined) continue;
    edges.push({ ...structuredClone(e), id: ids.edgeId(), source, target });
  }
  return { nodes, edges };
}
