import { describe, expect, it } from 'vitest';
import { createNode } from '../../../shared/graph/index.js';
import { NODE_REGISTRY, NODE_TYPES } from '../../../shared/nodes/index.js';
import {
  addNode,
  composite,
  connect,
  insertFragment,
  moveNodes,
  removeElements,
  renameNode,
  reorderInput,
  resizeNode,
  setCollapsed,
  setEdgeParam,
  setGraphName,
  setNodeParam,
} from '../../../renderer/src/edits/index.js';
import { selectIsDirty } from '../../../renderer/src/store/selectors.js';
import { stackGraph, storeWith } from './fixtures.js';

const scaleDef = NODE_REGISTRY.get(NODE_TYPES.scaleLora);
if (!scaleDef) throw new Error('no scale-lora');

describe('edits', () => {
  it('add node: appends the node as given, with its label', () => {
    const store = storeWith();
    const node = createNode(scaleDef, 'scale-lora-1', { x: 5, y: 6 });
    const cmd = addNode(node, 'Scale LoRA');
    expect(cmd.label).toBe('Add Scale LoRA');
    store.getState().dispatch(cmd);
    const doc = store.getState().doc;
    expect(doc.nodes.at(-1)).toEqual(node);
    expect(doc.nodes.at(-1)).not.toBe(node);
  });

  it('connect with replaces: swaps the edge in place, keeping the input order', () => {
    const store = storeWith();
    const before = store.getState().doc.edges.map((e) => e.id);
    const replaced = store.getState().doc.edges[2];
    if (!replaced) throw new Error('fixture');
    store.getState().dispatch(connect({ ...replaced, id: 'e99', source: 'load-model-1' }, replaced.id));
    const after = store.getState().doc.edges.map((e) => e.id);
    expect(after).toEqual(before.map((id) => (id === replaced.id ? 'e99' : id)));
  });

  it('remove elements: a node takes every edge touching it; edges alone go too', () => {
    const store = storeWith();
    store.getState().dispatch(removeElements(['combine-loras-1'], []));
    const doc = store.getState().doc;
    expect(doc.nodes.map((n) => n.id)).not.toContain('combine-loras-1');
    expect(doc.edges.some((e) => e.source === 'combine-loras-1' || e.target === 'combine-loras-1')).toBe(false);
    expect(doc.edges).toHaveLength(2);
    store.getState().dispatch(removeElements([], [doc.edges[0]?.id ?? '']));
    expect(store.getState().doc.edges).toHaveLength(1);
    expect(removeElements(['a', 'b'], []).label).toBe('Delete 2 nodes');
    expect(removeElements([], ['e1']).label).toBe('Delete 1 connection');
  });

  it('move nodes: only the named nodes move; unchanged positions record nothing', () => {
    const store = storeWith();
    expect(store.getState().dispatch(moveNodes({ 'load-model-1': { x: 0, y: 0 } }))).toBe(false);
    expect(store.getState().dispatch(moveNodes({ 'load-model-1': { x: 10, y: 20 } }))).toBe(true);
    expect(store.getState().doc.nodes[0]?.position).toEqual({ x: 10, y: 20 });
    expect(store.getState().doc.nodes[1]?.position).toEqual({ x: 0, y: 200 });
  });

  it('set node param: writes raw JSON, removes with undefined, ignores equal values', () => {
    const store = storeWith();
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.7, 'Strength'));
    expect(store.getState().doc.nodes.find((n) => n.id === 'apply-lora-1')?.params.strength).toBe(0.7);
    expect(store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.7))).toBe(false);
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', undefined));
    expect(store.getState().doc.nodes.find((n) => n.id === 'apply-lora-1')?.params).not.toHaveProperty('strength');
    // A bad value is kept as written: validation reports it, the document does not silently fix it.
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 'lots'));
    expect(store.getState().doc.nodes.find((n) => n.id === 'apply-lora-1')?.params.strength).toBe('lots');
  });

  it('set edge param: the weight belongs to that one connection', () => {
    const store = storeWith();
    const [first, second] = store.getState().doc.edges;
    store.getState().dispatch(setEdgeParam(first?.id ?? '', 'weight', -0.5));
    const edges = store.getState().doc.edges;
    expect(edges[0]?.params).toEqual({ weight: -0.5 });
    expect(edges[1]?.params).toEqual(second?.params);
  });

  it('rename: trims, and an empty title goes back to the definition title', () => {
    const store = storeWith();
    store.getState().dispatch(renameNode('load-lora-1', '  Style  '));
    expect(store.getState().doc.nodes[1]?.title).toBe('Style');
    store.getState().dispatch(renameNode('load-lora-1', ' '));
    expect(store.getState().doc.nodes[1]).not.toHaveProperty('title');
  });

  it('collapse / expand several nodes', () => {
    const store = storeWith();
    store.getState().dispatch(setCollapsed(['load-lora-1', 'load-lora-2'], true));
    expect(store.getState().doc.nodes.filter((n) => n.collapsed).map((n) => n.id)).toEqual(['load-lora-1', 'load-lora-2']);
    store.getState().dispatch(setCollapsed(['load-lora-1'], false));
    expect(store.getState().doc.nodes[1]).not.toHaveProperty('collapsed');
  });

  it('reorder input: swaps with the neighbouring edge into the same port only', () => {
    const store = storeWith();
    const [a, b] = store.getState().doc.edges;
    store.getState().dispatch(reorderInput(b?.id ?? '', -1));
    expect(store.getState().doc.edges.slice(0, 2).map((e) => e.id)).toEqual([b?.id, a?.id]);
    // Already first among the Combine inputs: nothing to swap with.
    expect(store.getState().dispatch(reorderInput(b?.id ?? '', -1))).toBe(false);
    // The edge into Apply's model port has no sibling on that port.
    expect(store.getState().dispatch(reorderInput(store.getState().doc.edges[2]?.id ?? '', 1))).toBe(false);
  });

  it('insert fragment, resize, graph name, composite', () => {
    const store = storeWith();
    const node = createNode(scaleDef, 'scale-lora-9', { x: 1, y: 1 });
    store.getState().dispatch(
      composite('Paste and name', [
        insertFragment([node], [{ id: 'e50', source: 'load-lora-1', sourcePort: 'lora', target: 'scale-lora-9', targetPort: 'lora' }], 'Paste'),
        resizeNode('scale-lora-9', { width: 300, height: 200 }),
        setGraphName('My stack'),
      ]),
    );
    const doc = store.getState().doc;
    expect(doc.nodes.at(-1)?.size).toEqual({ width: 300, height: 200 });
    expect(doc.edges.at(-1)?.id).toBe('e50');
    expect(doc.metadata?.name).toBe('My stack');
    expect(store.getState().history.past).toHaveLength(1);
    expect(store.getState().history.past[0]?.label).toBe('Paste and name');
  });

  it('the store document stays a valid graph document after every edit', async () => {
    const { graphDocumentSchema } = await import('../../../shared/graph/index.js');
    const store = storeWith(stackGraph());
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.25));
    store.getState().dispatch(removeElements(['load-lora-2'], []));
    expect(graphDocumentSchema.safeParse(store.getState().doc).success).toBe(true);
    expect(selectIsDirty(store.getState())).toBe(true);
  });
});
