/** A small fluent builder for graph documents in tests, on top of the real factory functions. */
import { createEdge, createNode, emptyGraph, idAllocatorFor, type Connection, type GraphDocument, type GraphNode, type JsonValue } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';

export class GraphBuilder {
  readonly doc: GraphDocument = emptyGraph();
  readonly ids = idAllocatorFor(this.doc);

  node(type: string, params: Record<string, JsonValue> = {}, extra: Partial<GraphNode> = {}): string {
    const def = NODE_REGISTRY.get(type);
    const id = extra.id ?? this.ids.nodeId(type);
    const node: GraphNode = def
      ? createNode(def, id, { x: this.doc.nodes.length * 200, y: 0 }, params)
      : { id, type, typeVersion: 1, position: { x: 0, y: 0 }, params };
    this.doc.nodes.push({ ...node, ...extra });
    return id;
  }

  edge(source: string, sourcePort: string, target: string, targetPort: string, params?: Record<string, JsonValue>): string {
    const c: Connection = { source, sourcePort, target, targetPort };
    const targetNode = this.doc.nodes.find((n) => n.id === target);
    const e = createEdge(targetNode && NODE_REGISTRY.get(targetNode.type), c, this.ids);
    if (params) e.params = { ...(e.params ?? {}), ...params };
    this.doc.edges.push(e);
    return e.id;
  }
}

export const T = {
  loadModel: 'lora-studio/load-model',
  loadLora: 'lora-studio/load-lora',
  newLora: 'lora-studio/new-lora',
  scaleLora: 'lora-studio/scale-lora',
  blockWeights: 'lora-studio/block-weights',
  selectLoraLayers: 'lora-studio/select-lora-layers',
  resizeRank: 'lora-studio/resize-rank',
  extractLora: 'lora-studio/extract-lora',
  combineLoras: 'lora-studio/combine-loras',
  applyLora: 'lora-studio/apply-lora',
  bakeLoras: 'lora-studio/bake-loras',
  mergeModels: 'lora-studio/merge-models',
  selectModelLayers: 'lora-studio/select-model-layers',
  saveModel: 'lora-studio/save-model',
  saveLora: 'lora-studio/save-lora',
  saveReport: 'lora-studio/save-report',
  inspect: 'lora-studio/inspect',
  probe: 'lora-studio/probe',
  note: 'lora-studio/note',
} as const;

/** Load LoRA x2 -> Combine -> Save LoRA, with valid paths. */
export function combineGraph(): { b: GraphBuilder; l1: string; l2: string; c: string; s: string } {
  const b = new GraphBuilder();
  const l1 = b.node(T.loadLora, { path: 'style.safetensors' });
  const l2 = b.node(T.loadLora, { path: 'character.safetensors' });
  const c = b.node(T.combineLoras);
  const s = b.node(T.saveLora, { path: 'out.safetensors' });
  b.edge(l1, 'lora', c, 'loras', { weight: 0.7 });
  b.edge(l2, 'lora', c, 'loras', { weight: 0.3 });
  b.edge(c, 'lora', s, 'lora');
  return { b, l1, l2, c, s };
}
