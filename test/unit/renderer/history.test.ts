import { describe, expect, it } from 'vitest';
import { moveNodes, setEdgeParam, setNodeParam } from '../../../renderer/src/edits/index.js';
import { HISTORY_LIMIT } from '../../../renderer/src/store/history.js';
import { selectIsDirty } from '../../../renderer/src/store/selectors.js';
import { stackGraph, storeWith } from './fixtures.js';

describe('undo / redo', () => {
  it('undo restores the previous document, redo reapplies it; a new edit clears redo', () => {
    const store = storeWith();
    const original = store.getState().doc;
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.5));
    const changed = store.getState().doc;
    store.getState().undo();
    expect(store.getState().doc).toEqual(original);
    store.getState().redo();
    expect(store.getState().doc).toEqual(changed);
    store.getState().undo();
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.9));
    expect(store.getState().history.future).toHaveLength(0);
    store.getState().redo();
    expect(store.getState().doc.nodes.find((n) => n.id === 'apply-lora-1')?.params.strength).toBe(0.9);
  });

  it('a gesture (a whole drag) is one history entry, labelled by the gesture', () => {
    const store = storeWith();
    const original = store.getState().doc;
    store.getState().beginGesture('Move node');
    for (let i = 1; i <= 30; i++) store.getState().dispatch(moveNodes({ 'load-model-1': { x: i * 3, y: i } }));
    store.getState().endGesture();
    expect(store.getState().history.past).toHaveLength(1);
    expect(store.getState().history.past[0]?.label).toBe('Move node');
    expect(store.getState().doc.nodes[0]?.position).toEqual({ x: 90, y: 30 });
    store.getState().undo();
    expect(store.getState().doc).toEqual(original);
    store.getState().redo();
    expect(store.getState().doc.nodes[0]?.position).toEqual({ x: 90, y: 30 });
  });

  it('a slider movement is one entry; the next gesture is another', () => {
    const store = storeWith();
    const edge = store.getState().doc.edges[0]?.id ?? '';
    store.getState().beginGesture('Set Weight');
    for (const w of [0.85, 0.9, 0.95, 1]) store.getState().dispatch(setEdgeParam(edge, 'weight', w));
    store.getState().endGesture();
    store.getState().beginGesture('Set Weight');
    store.getState().dispatch(setEdgeParam(edge, 'weight', 1.2));
    store.getState().endGesture();
    expect(store.getState().history.past).toHaveLength(2);
    store.getState().undo();
    expect(store.getState().doc.edges[0]?.params?.weight).toBe(1);
    store.getState().undo();
    expect(store.getState().doc.edges[0]?.params?.weight).toBe(0.8);
  });

  it('a gesture that changes nothing leaves no entry', () => {
    const store = storeWith();
    store.getState().beginGesture('Move node');
    store.getState().dispatch(moveNodes({ 'load-model-1': { x: 0, y: 0 } }));
    store.getState().endGesture();
    expect(store.getState().history.past).toHaveLength(0);
  });

  it('selection never enters the history', () => {
    const store = storeWith();
    store.getState().selectNodes(['load-lora-1']);
    store.getState().selectEdge('e1');
    expect(store.getState().history.past).toHaveLength(0);
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.5));
    store.getState().selectNodes(['save-model-1']);
    store.getState().undo();
    expect(store.getState().selection.nodes).toEqual(['save-model-1']);
  });

  it('dirty: after a change; clean again when undone to the saved state; clean after save', () => {
    const store = storeWith();
    expect(selectIsDirty(store.getState())).toBe(false);
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.5));
    expect(selectIsDirty(store.getState())).toBe(true);
    store.getState().undo();
    expect(selectIsDirty(store.getState())).toBe(false);
    store.getState().redo();
    store.getState().markSaved('/graphs/stack.json');
    expect(selectIsDirty(store.getState())).toBe(false);
    store.getState().undo();
    expect(selectIsDirty(store.getState())).toBe(true);
  });

  it('replacing the document (New, Open) starts the history over', () => {
    const store = storeWith();
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.5));
    store.getState().replaceDocument(stackGraph());
    expect(store.getState().history.past).toHaveLength(0);
    store.getState().undo();
    expect(store.getState().doc).toEqual(stackGraph());
  });

  it('keeps the last HISTORY_LIMIT entries', () => {
    const store = storeWith();
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) store.getState().dispatch(moveNodes({ 'load-model-1': { x: i + 1, y: 0 } }));
    expect(store.getState().history.past).toHaveLength(HISTORY_LIMIT);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) store.getState().undo();
    // The five oldest entries were dropped: undo stops at the state after the fifth move.
    expect(store.getState().doc.nodes[0]?.position.x).toBe(5);
  });
});
