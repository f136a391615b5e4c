/**
 * Following a value upstream through nodes that pass it on unchanged in kind: the Load Model a model value
 * starts from (through Apply LoRA, Bake LoRAs, Select Model Layers, Merge Models' A) and the Load LoRA whose modules
 * reach a node unchanged in name and shape (through Scale LoRA and Block Weights).
 */
import type { GraphEdge, GraphNode } from '../../../../shared/graph/document.js';
import { NODE_TYPES } from '../../../../shared/nodes/catalogue/index.js';
import type { CheckContext } from './check-context.js';

const MODEL_PASS: Readonly<Record<string, string>> = {
  [NODE_TYPES.applyLora]: 'model',
  [NODE_TYPES.bakeLoras]: 'model',
  [NODE_TYPES.selectModelLayers]: 'model',
  [NODE_TYPES.mergeModels]: 'a',
};
const LORA_PASS: Readonly<Record<string, string>> = {
  [NODE_TYPES.scaleLora]: 'lora',
  [NODE_TYPES.blockWeights]: 'lora',
};

function upstream(ctx: CheckContext, nodeId: string, port: string): GraphNode | undefined {
  const e: GraphEdge | undefined = ctx.analysis.validEdges.find((x) => x.target === nodeId && x.targetPort === port);
  return e ? ctx.doc.nodes.find((n) => n.id === e.source) : undefined;
}

function trace(ctx: CheckContext, start: GraphNode | undefined, sourceType: string, pass: Readonly<Record<string, string>>): GraphNode | undefined {
  const seen = new Set<string>();
  let node = start;
  while (node && !seen.has(node.id)) {
    if (node.type === sourceType) return node;
    seen.add(node.id);
    const port = pass[node.type];
    if (!port) return undefined;
    node = upstream(ctx, node.id, port);
  }
  return undefined;
}

export function modelSourceOf(ctx: CheckContext, nodeId: string, port: string): GraphNode | undefined {
  return trace(ctx, upstream(ctx, nodeId, port), NODE_TYPES.loadModel, MODEL_PASS);
}

export function loraSourceOf(ctx: CheckContext, nodeId: string, port: string): GraphNode | undefined {
  return trace(ctx, upstream(ctx, nodeId, port), NODE_TYPES.loadLora, LORA_PASS);
}

/** Every Load LoRA feeding a multi-input port (Bake LoRAs' loras), in connection order; undefined where not traceable. */
export function loraSourcesOf(ctx: CheckContext, nodeId: string, port: string): (GraphNode | undefined)[] {
  return ctx.analysis.validEdges
    .filter((e) => e.target === nodeId && e.targetPort === port)
    .map((e) => trace(ctx, ctx.doc.nodes.find((n) => n.id === e.source), NODE_TYPES.loadLora, LORA_PASS));
}

/**
 * The node each LoRA connected to `port` comes from, past Scale LoRA and Block Weights (a Load LoRA, a Combine
 * LoRAs, a Resize Rank …), in connection order; undefined where the chain is broken.
 */
export function loraOriginsOf(ctx: CheckContext, nodeId: string, port: string): (GraphNode | undefined)[] {
  return ctx.analysis.validEdges
    .filter((e) => e.target === nodeId && e.targetPort === port)
    .map((e) => {
      const seen = new Set<string>();
      let node = ctx.doc.nodes.find((n) => n.id === e.source);
      while (node && !seen.has(node.id) && LORA_PASS[node.type]) {
        seen.add(node.id);
        node = upstream(ctx, node.id, LORA_PASS[node.type]!);
      }
      return node;
    });
}
