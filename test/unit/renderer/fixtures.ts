/** Documents and stores for the renderer's unit tests. */
import { createEdge, createNode, emptyGraph, IdAllocator, type GraphDocument } from '../../../shared/graph/index.js';
import { NODE_REGISTRY, NODE_TYPES } from '../../../shared/nodes/index.js';
import { createAppStore, type AppStore } from '../../../renderer/src/store/app-store.js';

const def = (type: string) => {
  const d = NODE_REGISTRY.get(type);
  if (!d) throw new Error(`no definition ${type}`);
  return d;
};

/** Load Model + two Load LoRA -> Combine (weights 0.8 / 0.4) -> Apply -> Save Model. */
export function stackGraph(): GraphDocument {
  const ids = new IdAllocator();
  const doc = emptyGraph();
  const model = createNode(def(NODE_TYPES.loadModel), ids.nodeId(NODE_TYPES.loadModel), { x: 0, y: 0 }, { path: '/demo/base.safetensors' });
  const a = createNode(def(NODE_TYPES.loadLora), ids.nodeId(NODE_TYPES.loadLora), { x: 0, y: 200 }, { path: '/demo/style.safetensors' });
  const b = createNode(def(NODE_TYPES.loadLora), ids.nodeId(NODE_TYPES.loadLora), { x: 0, y: 400 }, { path: '/demo/character.safetensors' });
  const combine = createNode(def(NODE_TYPES.combineLoras), ids.nodeId(NODE_TYPES.combineLoras), { x: 300, y: 300 });
  const apply = createNode(def(NODE_TYPES.applyLora), ids.nodeId(NODE_TYPES.applyLora), { x: 600, y: 100 });
  const save = createNode(def(NODE_TYPES.saveModel), ids.nodeId(NODE_TYPES.saveModel), { x: 900, y: 100 }, { path: '/out/merged.safetensors' });
  doc.nodes.push(model, a, b, combine, apply, save);
  const edge = (source: string, sourcePort: string, target: string, targetPort: string, weight?: number) => {
    const targetType = doc.nodes.find((n) => n.id === target)?.type ?? '';
    const e = createEdge(def(targetType), { source, sourcePort, target, targetPort }, ids);
    if (weight !== undefined) e.params = { weight };
    doc.edges.push(e);
  };
  edge(a.id, 'lora', combine.id, 'loras', 0.8);
  edge(b.id, 'lora', combine.id, 'loras', 0.4);
  edge(model.id, 'model', apply.id, 'model');
  edge(combine.id, 'lora', apply.id, 'lora');
  edge(apply.id, 'model', save.id, 'model');
  return doc;
}

export function storeWith(doc: GraphDocument = stackGraph()): AppStore {
  const store = createAppStore();
  store.getState().replaceDocument(doc);
  store.getState().markOpened('/graphs/stack.json');
  return store;
}
