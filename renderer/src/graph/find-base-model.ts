/**
 * The base model a LoRA is used with, for the inspector's mapping report: follow the LoRA downstream to the
 * first node that also takes a model (Apply LoRA, Probe, Inspect), then that model input upstream to a
 * Load Model. Returns the Load Model's path, or undefined when there is none (yet).
 */
import type { GraphDocument } from '../../../shared/graph/index.js';
import { NODE_TYPES, type NodeRegistry } from '../../../shared/nodes/index.js';

export function findBaseModelPath(doc: GraphDocument, loraNodeId: string, registry: NodeRegistry): string | undefined {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const inputType = (nodeId: string, port: string) => {
    const n = byId.get(nodeId);
    return n ? registry.get(n.type)?.inputs.find((p) => p.name === port)?.type : undefined;
  };
  const outputType = (nodeId: string, port: string) => {
    const n = byId.get(nodeId);
    return n ? registry.get(n.type)?.outputs.find((p) => p.name === port)?.type : undefined;
  };
  const modelFeeding = (nodeId: string): string | undefined => {
    const seen = new Set<string>();
    let frontier = doc.edges.filter((e) => e.target === nodeId && inputType(e.target, e.targetPort) === 'model').map((e) => e.source);
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const id of frontier) {
        if (seen.has(id)) continue;
        seen.add(id);
        const n = byId.get(id);
        if (n?.type === NODE_TYPES.loadModel) {
          const path = n.params.path;
          if (typeof path === 'string' && path.trim() !== '') return path;
        }
        for (const e of doc.edges) if (e.target === id && inputType(e.target, e.targetPort) === 'model') next.push(e.source);
      }
      frontier = next;
    }
    return undefined;
  };
  const seen = new Set<string>([loraNodeId]);
  let frontier = [loraNodeId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of doc.edges) {
        if (e.source !== id || outputType(e.source, e.sourcePort) !== 'lora' || seen.has(e.target)) continue;
        seen.add(e.target);
        const found = modelFeeding(e.target);
        if (found !== undefined) return found;
        next.push(e.target);
      }
    }
    frontier = next;
  }
  return undefined;
}
