import { createEdge, createNode } from '../../../shared/graph/index.js';
import { NODE_REGISTRY, type NodeRegistry } from '../../../shared/nodes/index.js';
import { defineEdit } from '../edits/edit.js';
import type { AppStore } from '../store/app-store.js';

/**
 * Puts a node of `type` on an edge: source → new node → target, as one history entry. The new node's first
 * input and output of the edge's type are used; the edge into the target keeps its id and params (Combine's
 * weight). Returns the new node's id, or undefined when the node has no such ports.
 */
export function insertOnEdge(store: AppStore, edgeId: string, type: string, at: { x: number; y: number }, registry: NodeRegistry = NODE_REGISTRY): string | undefined {
  const s = store.getState();
  const edge = s.doc.edges.find((e) => e.id === edgeId);
  const def = registry.get(type);
  const source = edge && s.doc.nodes.find((n) => n.id === edge.source);
  const portType = source && registry.get(source.type)?.outputs.find((p) => p.name === edge?.sourcePort)?.type;
  const input = def?.inputs.find((p) => p.type === portType);
  const output = def?.outputs.find((p) => p.type === portType);
  if (!edge || !def || !input || !output) return undefined;
  const id = s.ids.nodeId(type);
  const node = createNode(def, id, { x: Math.round(at.x), y: Math.round(at.y) });
  const into = createEdge(def, { source: edge.source, sourcePort: edge.sourcePort, target: id, targetPort: input.name }, s.ids);
  s.dispatch(
    defineEdit(`Insert ${def.title}`, (doc) => {
      doc.nodes.push(structuredClone(node));
      doc.edges.push(structuredClone(into));
      const e = doc.edges.find((x) => x.id === edgeId);
      if (e) {
        e.source = id;
        e.sourcePort = output.name;
      }
    }),
  );
  s.selectNodes([id]);
  return id;
}
