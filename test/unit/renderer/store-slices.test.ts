import { describe, expect, it } from 'vitest';
import { validateGraph } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { setNodeParam } from '../../../renderer/src/edits/index.js';
import { createAppStore } from '../../../renderer/src/store/app-store.js';
import { documentName } from '../../../renderer/src/store/selectors.js';
import { storeWith } from './fixtures.js';

describe('validation slice', () => {
  it('groups problems by node and keeps an unchanged node’s array (its component does not re-render)', () => {
    const store = storeWith();
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 'lots'));
    store.getState().dispatch(setNodeParam('save-model-1', 'path', ''));
    store.getState().setProblems(validateGraph(store.getState().doc, NODE_REGISTRY));
    const first = store.getState().problemsByNode;
    expect(first['apply-lora-1']?.[0]?.param).toBe('strength');
    expect(first['save-model-1']?.[0]?.message).toMatch(/Output is not set/);
    store.getState().dispatch(setNodeParam('apply-lora-1', 'strength', 0.5));
    store.getState().setProblems(validateGraph(store.getState().doc, NODE_REGISTRY));
    const second = store.getState().problemsByNode;
    expect(second['apply-lora-1']).toBeUndefined();
    expect(second['save-model-1']).toBe(first['save-model-1']);
  });
});

describe('dialog slice', () => {
  it('browseForPath and confirm resolve with the answer; a second request cancels the first', async () => {
    const store = createAppStore();
    const first = store.getState().browseForPath({ mode: 'open', title: 'Open graph', filters: [], allowDirectory: false });
    const second = store.getState().browseForPath({ mode: 'save', title: 'Save graph as', filters: [], allowDirectory: false });
    expect(store.getState().fileDialog?.title).toBe('Save graph as');
    store.getState().closeFileDialog('/x/g.json');
    await expect(first).resolves.toBeNull();
    await expect(second).resolves.toBe('/x/g.json');
    const answer = store.getState().confirm({ title: 't', message: 'm', choices: [{ id: 'save', label: 'Save' }] });
    store.getState().closeConfirm('save');
    await expect(answer).resolves.toBe('save');
    expect(store.getState().confirmDialog).toBeNull();
  });
});

describe('file slice', () => {
  it('document name: the file name, else the graph name, else untitled; the source folder follows the file', () => {
    const store = createAppStore();
    expect(documentName(store.getState())).toBe('Untitled graph');
    store.getState().replaceDocument({ ...store.getState().doc, metadata: { name: 'Stack' } });
    expect(documentName(store.getState())).toBe('Stack');
    store.getState().markSaved('/g/my-graph.json');
    expect(documentName(store.getState())).toBe('my-graph');
    expect(store.getState().sourceDir).toBe('/g');
    store.getState().markOpened(null, { sourceDir: '/examples' });
    expect(store.getState().sourceDir).toBe('/examples');
  });
});

describe('ui slice', () => {
  it('toasts are capped; the connection epoch counts reconnections only', () => {
    const store = createAppStore();
    for (let i = 0; i < 6; i++) store.getState().toast('info', `t${i}`);
    expect(store.getState().toasts.map((t) => t.message)).toEqual(['t2', 't3', 't4', 't5']);
    store.getState().setConnectionState('open');
    expect(store.getState().connection.epoch).toBe(0);
    store.getState().setConnectionState('closed');
    store.getState().setConnectionState('connecting');
    store.getState().setConnectionState('open');
    expect(store.getState().connection).toEqual({ state: 'open', epoch: 1 });
  });
});
