import { describe, expect, it } from 'vitest';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { createEdgeMapper, createNodeMapper, edgeParamLabel } from '../../../renderer/src/canvas/flow-mapping.js';
import { baseName, formatBytes, formatDuration, formatNumber, formatPercent } from '../../../renderer/src/format/format.js';
import { isAbsolutePath, joinPath, parentPath, resolveAgainst } from '../../../renderer/src/graph/paths.js';
import { markdownBlocks } from '../../../renderer/src/panels/Markdown.js';
import { compareCells } from '../../../renderer/src/plots/SortableTable.js';
import { decadeDomain, linearScale, logScale, niceTicks, ticksCovering } from '../../../renderer/src/plots/scales.js';
import { displayCombo, matchesCombo } from '../../../renderer/src/shortcuts/key-combo.js';
import { SHORTCUTS } from '../../../renderer/src/shortcuts/shortcut-table.js';
import { nodeIndex } from '../../../renderer/src/store/selectors.js';
import { moveNodes, setEdgeParam } from '../../../renderer/src/edits/index.js';
import { stackGraph, storeWith } from './fixtures.js';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('key combos', () => {
  it('Mod is Ctrl elsewhere and ⌘ on macOS; modifiers must match exactly', () => {
    expect(matchesCombo(key('z', { ctrlKey: true }), 'Mod+Z', false)).toBe(true);
    expect(matchesCombo(key('z', { metaKey: true }), 'Mod+Z', true)).toBe(true);
    expect(matchesCombo(key('z', { metaKey: true }), 'Mod+Z', false)).toBe(false);
    expect(matchesCombo(key('Z', { ctrlKey: true, shiftKey: true }), 'Mod+Z', false)).toBe(false);
    expect(matchesCombo(key('Z', { ctrlKey: true, shiftKey: true }), 'Mod+Shift+Z', false)).toBe(true);
    expect(matchesCombo(key('Enter', { ctrlKey: true }), 'Mod+Enter', false)).toBe(true);
    expect(matchesCombo(key('f'), 'F', false)).toBe(true);
    expect(matchesCombo(key('f', { ctrlKey: true }), 'F', false)).toBe(false);
    // "?" needs Shift on most layouts; punctuation ignores Shift.
    expect(matchesCombo(key('?', { shiftKey: true }), '?', false)).toBe(true);
    expect(displayCombo('Mod+Shift+Z', false)).toBe('Ctrl+Shift+Z');
    expect(displayCombo('Mod+Shift+Z', true)).toBe('⌘⇧Z');
  });

  it('no two shortcuts share a key combination', () => {
    const combos = SHORTCUTS.flatMap((s) => s.combos);
    expect(new Set(combos).size).toBe(combos.length);
  });
});

describe('paths on the engine machine', () => {
  it('joins, finds parents and resolves relative params against the graph folder (POSIX and Windows)', () => {
    expect(joinPath('/a/b', 'c.json')).toBe('/a/b/c.json');
    expect(joinPath('/', 'c.json')).toBe('/c.json');
    expect(joinPath('C:\\x', 'y')).toBe('C:\\x\\y');
    expect(parentPath('/a/b/c.json')).toBe('/a/b');
    expect(parentPath('/a')).toBe('/');
    expect(parentPath('C:\\x\\y.json')).toBe('C:\\x');
    expect(parentPath('C:\\x')).toBe('C:\\');
    expect(parentPath('name')).toBeUndefined();
    expect(isAbsolutePath('/x') && isAbsolutePath('D:/x') && isAbsolutePath('\\\\srv\\share')).toBe(true);
    expect(resolveAgainst('/ex', '../demo/a.safetensors')).toBe('/ex/../demo/a.safetensors');
    expect(resolveAgainst('/ex', './a')).toBe('/ex/a');
    expect(resolveAgainst('/ex', '/abs/a')).toBe('/abs/a');
    expect(resolveAgainst(null, 'rel')).toBe('rel');
  });
});

describe('formatting', () => {
  it('durations, sizes, percentages, numbers, base names', () => {
    expect(formatDuration(40)).toBe('0.04 s');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(75_000)).toBe('1 min 15 s');
    expect(formatDuration(-1)).toBe('–');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(16_357_000)).toBe('15.6 MiB');
    expect(formatPercent(0.256)).toBe('26%');
    expect(formatPercent(3)).toBe('100%');
    expect(formatNumber(0.000123)).toBe('1.23e-4');
    expect(formatNumber(1234.5)).toBe('1230');
    expect(formatNumber(null)).toBe('–');
    expect(baseName('C:\\out\\m.safetensors')).toBe('m.safetensors');
  });
});

describe('plot scales', () => {
  it('linear and log scales map the domain onto the range', () => {
    const x = linearScale([0, 10], [100, 200]);
    expect(x(5)).toBe(150);
    const y = logScale([1e-3, 1e1], [300, 0]);
    expect(y(1e-3)).toBeCloseTo(300);
    expect(y(1e-1)).toBeCloseTo(150);
    expect(y(0)).toBeCloseTo(300);
  });
  it('nice ticks are round and cover the range; decades widen to whole powers of ten', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 37, 4)).toEqual([0, 10, 20, 30]);
    expect(ticksCovering(37, 4)).toEqual([0, 10, 20, 30, 40]);
    expect(ticksCovering(2, 4)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(ticksCovering(0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(decadeDomain([0.03, 7, 0, -1])).toEqual({ domain: [0.01, 10], ticks: [0.01, 0.1, 1, 10] });
    expect(decadeDomain([]).domain).toEqual([0.1, 1]);
    expect(decadeDomain([1e-20, 1]).domain[0]).toBe(1e-12);
  });
});

describe('markdown blocks of node docs', () => {
  it('paragraphs and lists with continuation lines, in order', () => {
    const blocks = markdownBlocks('Intro line\nsecond line:\n- **a**: one\n  more\n- b\nAfter.\n\nNext para.');
    expect(blocks).toEqual([
      { kind: 'p', text: 'Intro line second line:' },
      { kind: 'ul', items: ['**a**: one more', 'b'] },
      { kind: 'p', text: 'After.' },
      { kind: 'p', text: 'Next para.' },
    ]);
  });
  it('every catalogue doc renders into blocks', () => {
    for (const d of NODE_REGISTRY.list()) expect(markdownBlocks(d.docs).length).toBeGreaterThan(0);
  });
});

describe('table sorting', () => {
  it('numbers numerically, text naturally, missing values last', () => {
    const cells = [10, null, 2, 'x'] as const;
    expect([3, 1, 2].sort((a, b) => compareCells(a, b))).toEqual([1, 2, 3]);
    expect(['b10', 'b9'].sort(compareCells)).toEqual(['b9', 'b10']);
    expect([...cells].filter((c) => typeof c !== 'string').sort(compareCells)).toEqual([2, 10, null]);
  });
});

describe('document -> React Flow elements', () => {
  it('an unchanged node keeps its flow object; a moved one gets a new one; selection and size are carried', () => {
    const store = storeWith();
    const map = createNodeMapper(NODE_REGISTRY);
    const first = map(store.getState().doc.nodes, new Set(), new Map());
    expect(first.map((n) => n.type)).toEqual(Array(6).fill('studio'));
    expect(first[0]?.ariaLabel).toBe('Load Model (load-model-1)');
    store.getState().dispatch(moveNodes({ 'load-lora-1': { x: 5, y: 5 } }));
    const sizes = new Map([['load-model-1', { width: 10, height: 20 }]]);
    const selected = new Set(['save-model-1']);
    const second = map(store.getState().doc.nodes, selected, sizes);
    expect(second[2]).toBe(first[2]);
    expect(second[1]).not.toBe(first[1]);
    expect(second[1]?.position).toEqual({ x: 5, y: 5 });
    expect(second[5]?.selected).toBe(true);
    expect(second[0]?.measured).toEqual({ width: 10, height: 20 });
    // Nothing changed: the very same array, so React Flow does no work.
    expect(map(store.getState().doc.nodes, selected, sizes)).toBe(second);
  });

  it('unknown node types get the plain component; edges carry type colour, label and names', () => {
    const doc = stackGraph();
    doc.nodes.push({ id: 'future-1', type: 'someone/else', typeVersion: 1, position: { x: 0, y: 0 }, params: {} });
    expect(createNodeMapper(NODE_REGISTRY)(doc.nodes, new Set(), new Map()).at(-1)?.type).toBe('unknown');
    const edges = createEdgeMapper(NODE_REGISTRY)(doc, new Set(['e1']), nodeIndex(doc.nodes));
    expect(edges[0]).toMatchObject({ source: 'load-lora-1', sourceHandle: 'lora', targetHandle: 'loras', selected: true, style: { stroke: '#f59e0b' } });
    expect(edges[0]?.data?.label).toEqual({ text: 'Weight 0.8', short: '×0.8' });
    expect(edges[2]?.data?.label).toBeNull();
    expect(edges[2]?.style?.stroke).toBe('#8b5cf6');
    expect(edges[0]?.ariaLabel).toBe('Connection from Load LoRA (load-lora-1) to Combine LoRAs (combine-loras-1) LoRAs');
  });

  it('an edge keeps its flow object until it (or a title at its ends) changes', () => {
    const store = storeWith();
    const map = createEdgeMapper(NODE_REGISTRY);
    const none = new Set<string>();
    const a = map(store.getState().doc, none, nodeIndex(store.getState().doc.nodes));
    // A node moved: no edge changed, so the very same array.
    store.getState().dispatch(moveNodes({ 'load-lora-1': { x: 9, y: 9 } }));
    expect(map(store.getState().doc, none, nodeIndex(store.getState().doc.nodes))).toBe(a);
    store.getState().dispatch(setEdgeParam('e2', 'weight', 0.25));
    const b = map(store.getState().doc, new Set(), nodeIndex(store.getState().doc.nodes));
    expect(b[0]).toBe(a[0]);
    expect(b[1]).not.toBe(a[1]);
    expect(edgeParamLabel(store.getState().doc.edges[1] as never, NODE_REGISTRY, nodeIndex(store.getState().doc.nodes))?.text).toBe('Weight 0.25');
  });
});
