import { describe, expect, it } from 'vitest';
import { IdAllocator, idAllocatorFor } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { snapToNeighbours } from '../../../renderer/src/graph/alignment.js';
import { autoLayout } from '../../../renderer/src/graph/auto-layout.js';
import { findBaseModelPath } from '../../../renderer/src/graph/find-base-model.js';
import { extractFragment, parseFragment, remapFragment, serializeFragment } from '../../../renderer/src/graph/fragment.js';
import { stackGraph } from './fixtures.js';

describe('fragment (copy/paste)', () => {
  it('copies the selected nodes and only the edges between them', () => {
    const f = extractFragment(stackGraph(), ['load-lora-1', 'load-lora-2', 'combine-loras-1']);
    expect(f.nodes.map((n) => n.id)).toEqual(['load-lora-1', 'load-lora-2', 'combine-loras-1']);
    expect(f.edges.map((e) => [e.source, e.target])).toEqual([
      ['load-lora-1', 'combine-loras-1'],
      ['load-lora-2', 'combine-loras-1'],
    ]);
  });

  it('round-trips through text; other text is not a fragment; a whole graph file is one', () => {
    const f = extractFragment(stackGraph(), ['load-lora-1', 'combine-loras-1']);
    expect(parseFragment(serializeFragment(f))).toEqual(f);
    expect(parseFragment('hello')).toBeUndefined();
    expect(parseFragment('{"format":"lora-studio-fragment","nodes":[{"id":"a b"}],"edges":[]}')).toBeUndefined();
    const doc = stackGraph();
    expect(parseFragment(JSON.stringify(doc))?.nodes).toHaveLength(doc.nodes.length);
  });

  it('remaps ids (fresh, never the originals), rewires edges, keeps params and relative layout', () => {
    const doc = stackGraph();
    const f = extractFragment(doc, ['load-lora-1', 'load-lora-2', 'combine-loras-1']);
    const r = remapFragment(f, idAllocatorFor(doc), { x: 1000, y: 1000 });
    const ids = r.nodes.map((n) => n.id);
    expect(ids).toEqual(['load-lora-3', 'load-lora-4', 'combine-loras-2']);
    expect(r.nodes.map((n) => n.position)).toEqual([
      { x: 1000, y: 1000 },
      { x: 1000, y: 1200 },
      { x: 1300, y: 1100 },
    ]);
    expect(r.edges.map((e) => [e.source, e.target, e.params])).toEqual([
      ['load-lora-3', 'combine-loras-2', { weight: 0.8 }],
      ['load-lora-4', 'combine-loras-2', { weight: 0.4 }],
    ]);
    expect(r.edges.every((e) => !doc.edges.some((d) => d.id === e.id))).toBe(true);
  });

  it('drops edges whose ends are not in the fragment', () => {
    const doc = stackGraph();
    const f = { nodes: doc.nodes.filter((n) => n.id === 'combine-loras-1'), edges: doc.edges };
    expect(remapFragment(f, new IdAllocator(), { x: 0, y: 0 }).edges).toEqual([]);
  });
});

describe('auto layout', () => {
  const size = { width: 200, height: 100 };
  it('puts each node in the column after all its inputs, columns left to right', () => {
    const doc = stackGraph();
    const p = autoLayout(doc.nodes.map((n) => ({ id: n.id, position: n.position, ...size })), doc.edges);
    const col = (id: string) => p[id]?.x ?? NaN;
    expect(col('load-lora-1')).toBe(col('load-model-1'));
    expect(col('combine-loras-1')).toBeGreaterThan(col('load-lora-1'));
    expect(col('apply-lora-1')).toBeGreaterThan(col('combine-loras-1'));
    expect(col('save-model-1')).toBeGreaterThan(col('apply-lora-1'));
    expect(col('combine-loras-1') - col('load-lora-1')).toBe(200 + 80);
  });

  it('nodes of a column never overlap', () => {
    const doc = stackGraph();
    const p = autoLayout(doc.nodes.map((n) => ({ id: n.id, position: n.position, ...size })), doc.edges);
    const first = ['load-model-1', 'load-lora-1', 'load-lora-2'].map((id) => p[id]?.y ?? NaN).sort((a, b) => a - b);
    for (let i = 1; i < first.length; i++) expect((first[i] ?? 0) - (first[i - 1] ?? 0)).toBeGreaterThanOrEqual(size.height + 40);
  });

  it('orders a column by its neighbours (barycenter): crossing edges get uncrossed', () => {
    const nodes = [
      { id: 'a', position: { x: 0, y: 0 }, ...size },
      { id: 'b', position: { x: 0, y: 100 }, ...size },
      { id: 'x', position: { x: 300, y: 0 }, ...size },
      { id: 'y', position: { x: 300, y: 100 }, ...size },
    ];
    const p = autoLayout(nodes, [
      { source: 'a', target: 'y' },
      { source: 'b', target: 'x' },
    ]);
    expect(Math.sign((p.x?.y ?? 0) - (p.y?.y ?? 0))).toBe(Math.sign((p.b?.y ?? 0) - (p.a?.y ?? 0)));
  });

  it('stacks separate components, keeps the top-left corner, tolerates a cycle', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id, i) => ({ id, position: { x: 50 + i, y: 70 + i * 500 }, ...size }));
    const p = autoLayout(nodes, [
      { source: 'a', target: 'b' },
      { source: 'b', target: 'a' },
      { source: 'c', target: 'd' },
    ]);
    expect(Math.min(...Object.values(p).map((q) => q.x))).toBe(50);
    expect(Math.min(...Object.values(p).map((q) => q.y))).toBe(70);
    expect(p.c?.y).toBeGreaterThan((p.a?.y ?? 0) + size.height);
    expect(autoLayout([], [])).toEqual({});
  });
});

describe('findBaseModelPath', () => {
  it('follows the LoRA through Combine to Apply, then Apply’s model input up to Load Model', () => {
    expect(findBaseModelPath(stackGraph(), 'load-lora-2', NODE_REGISTRY)).toBe('/demo/base.safetensors');
  });
  it('undefined when the LoRA reaches no model, or the model has no path yet', () => {
    const doc = stackGraph();
    expect(findBaseModelPath({ ...doc, edges: doc.edges.filter((e) => e.targetPort !== 'model') }, 'load-lora-1', NODE_REGISTRY)).toBeUndefined();
    const noPath = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'load-model-1' ? { ...n, params: { path: '' } } : n)) };
    expect(findBaseModelPath(noPath, 'load-lora-1', NODE_REGISTRY)).toBeUndefined();
  });
});

describe('alignment snapping', () => {
  const other = { x: 100, y: 100, width: 200, height: 80 };
  it('snaps left edges and centres within the threshold and says where the guide lines go', () => {
    const s = snapToNeighbours({ x: 104, y: 300, width: 200, height: 80 }, [other], 6);
    expect(s).toEqual({ x: 100, y: 300, vertical: 100, horizontal: null });
    const c = snapToNeighbours({ x: 500, y: 97 + 40 - 30, width: 100, height: 60 }, [other], 6);
    expect(c.y + 30).toBe(140);
    expect(c.horizontal).toBe(140);
  });
  it('leaves the node alone beyond the threshold', () => {
    expect(snapToNeighbours({ x: 120, y: 300, width: 50, height: 50 }, [other], 6)).toEqual({ x: 120, y: 300, vertical: null, horizontal: null });
  });
});
