/**
 * Property: any sequence of user actions (edits, gestures, undos and redos in between) followed by
 * undoing everything gives back the document as opened; redoing everything then gives the last state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphDocumentSchema, type GraphDocument } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { addNodeOfType } from '../../../renderer/src/actions/add-node-of-type.js';
import { duplicateSelection, pasteText, copySelection } from '../../../renderer/src/actions/clipboard.js';
import { deleteSelection } from '../../../renderer/src/actions/delete-selection.js';
import { layoutGraph } from '../../../renderer/src/actions/layout-graph.js';
import { tryConnect } from '../../../renderer/src/actions/try-connect.js';
import { moveNodes, renameNode, reorderInput, setCollapsed, setEdgeParam, setNodeParam } from '../../../renderer/src/edits/index.js';
import type { AppStore } from '../../../renderer/src/store/app-store.js';
import { stackGraph, storeWith } from './fixtures.js';

const TYPES = NODE_REGISTRY.types();

type Action =
  | { kind: 'add'; type: number; x: number; y: number }
  | { kind: 'connect'; from: number; to: number; out: number; in: number }
  | { kind: 'delete'; node: number; edge: number; edgesOnly: boolean }
  | { kind: 'move'; node: number; x: number; y: number }
  | { kind: 'drag'; node: number; steps: { x: number; y: number }[] }
  | { kind: 'param'; node: number; param: number; value: number | string | boolean }
  | { kind: 'edgeParam'; edge: number; value: number }
  | { kind: 'rename'; node: number; title: string }
  | { kind: 'collapse'; node: number; on: boolean }
  | { kind: 'reorder'; edge: number; up: boolean }
  | { kind: 'duplicate'; node: number }
  | { kind: 'copyPaste'; node: number; x: number; y: number }
  | { kind: 'layout' }
  | { kind: 'undo' }
  | { kind: 'redo' };

const coord = fc.integer({ min: -2000, max: 2000 });
const index = fc.nat(1000);

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), type: index, x: coord, y: coord }),
  fc.record({ kind: fc.constant('connect' as const), from: index, to: index, out: index, in: index }),
  fc.record({ kind: fc.constant('delete' as const), node: index, edge: index, edgesOnly: fc.boolean() }),
  fc.record({ kind: fc.constant('move' as const), node: index, x: coord, y: coord }),
  fc.record({ kind: fc.constant('drag' as const), node: index, steps: fc.array(fc.record({ x: coord, y: coord }), { minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant('param' as const), node: index, param: index, value: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true, min: -10, max: 10 }), fc.string({ maxLength: 8 }), fc.boolean()) }),
  fc.record({ kind: fc.constant('edgeParam' as const), edge: index, value: fc.double({ noNaN: true, noDefaultInfinity: true, min: -3, max: 3 }) }),
  fc.record({ kind: fc.constant('rename' as const), node: index, title: fc.string({ maxLength: 10 }) }),
  fc.record({ kind: fc.constant('collapse' as const), node: index, on: fc.boolean() }),
  fc.record({ kind: fc.constant('reorder' as const), edge: index, up: fc.boolean() }),
  fc.record({ kind: fc.constant('duplicate' as const), node: index }),
  fc.record({ kind: fc.constant('copyPaste' as const), node: index, x: coord, y: coord }),
  fc.constant({ kind: 'layout' as const }),
  fc.constant({ kind: 'undo' as const }),
  fc.constant({ kind: 'redo' as const }),
);

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);

function perform(store: AppStore, a: Action): void {
  const s = store.getState();
  const nodes = s.doc.nodes;
  const edges = s.doc.edges;
  switch (a.kind) {
    case 'add':
      addNodeOfType(store, pick(TYPES, a.type) ?? '', { x: a.x, y: a.y });
      return;
    case 'connect': {
      const from = pick(nodes, a.from);
      const to = pick(nodes, a.to);
      const fromDef = from && NODE_REGISTRY.get(from.type);
      const toDef = to && NODE_REGISTRY.get(to.type);
      const out = fromDef && pick(fromDef.outputs, a.out);
      const inp = toDef && pick(toDef.inputs, a.in);
      if (from && to && out && inp) tryConnect(store, { source: from.id, sourcePort: out.name, target: to.id, targetPort: inp.name });
      return;
    }
    case 'delete': {
      const n = pick(nodes, a.node);
      const e = pick(edges, a.edge);
      s.setSelection({ nodes: a.edgesOnly || !n ? [] : [n.id], edges: e ? [e.id] : [] });
      deleteSelection(store);
      return;
    }
    case 'move': {
      const n = pick(nodes, a.node);
      if (n) s.dispatch(moveNodes({ [n.id]: { x: a.x, y: a.y } }));
      return;
    }
    case 'drag': {
      const n = pick(nodes, a.node);
      if (!n) return;
      s.beginGesture('Move node');
      for (const p of a.steps) store.getState().dispatch(moveNodes({ [n.id]: p }));
      store.getState().endGesture();
      return;
    }
    case 'param': {
      const n = pick(nodes, a.node);
      const def = n && NODE_REGISTRY.get(n.type);
      const key = def && pick(Object.keys(def.params), a.param);
      if (n && key) s.dispatch(setNodeParam(n.id, key, a.value));
      return;
    }
    case 'edgeParam': {
      const e = pick(edges, a.edge);
      if (e) s.dispatch(setEdgeParam(e.id, 'weight', a.value));
      return;
    }
    case 'rename': {
      const n = pick(nodes, a.node);
      if (n) s.dispatch(renameNode(n.id, a.title));
      return;
    }
    case 'collapse': {
      const n = pick(nodes, a.node);
      if (n) s.dispatch(setCollapsed([n.id], a.on));
      return;
    }
    case 'reorder': {
      const e = pick(edges, a.edge);
      if (e) s.dispatch(reorderInput(e.id, a.up ? -1 : 1));
      return;
    }
    case 'duplicate': {
      const n = pick(nodes, a.node);
      if (!n) return;
      s.selectNodes([n.id]);
      duplicateSelection(store);
      return;
    }
    case 'copyPaste': {
      const n = pick(nodes, a.node);
      if (!n) return;
      s.selectNodes([n.id]);
      const text = copySelection(store);
      if (text !== undefined) pasteText(store, text, { x: a.x, y: a.y });
      return;
    }
    case 'layout':
      layoutGraph(store, () => ({ width: 200, height: 100 }));
      return;
    case 'undo':
      s.undo();
      return;
    case 'redo':
      s.redo();
      return;
  }
}

describe('undo/redo property', () => {
  it('any sequence of actions, then undo all, gives the original document; redo all gives the last one', () => {
    fc.assert(
      fc.property(fc.constantFrom<() => GraphDocument>(stackGraph, () => ({ ...stackGraph(), nodes: [], edges: [] })), fc.array(action, { maxLength: 40 }), (start, actions) => {
        const original = start();
        const store = storeWith(original);
        for (const a of actions) perform(store, a);
        expect(graphDocumentSchema.safeParse(store.getState().doc).success).toBe(true);
        // The furthest state: the sequence may end with undos, whose entries wait in the redo stack.
        while (store.getState().history.future.length > 0) store.getState().redo();
        const last = store.getState().doc;
        const depth = store.getState().history.past.length;
        for (let i = 0; i < depth; i++) store.getState().undo();
        expect(store.getState().doc).toEqual(original);
        expect(store.getState().history.past).toHaveLength(0);
        const redoable = store.getState().history.future.length;
        for (let i = 0; i < redoable; i++) store.getState().redo();
        expect(store.getState().doc).toEqual(last);
      }),
      { numRuns: 300 },
    );
  });
});
