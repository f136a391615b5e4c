import { describe, expect, it } from 'vitest';
import { documentToPlan, GraphPlanError, planParams, upgradeNodes } from '../../../shared/graph/index.js';
import { combineLoras, createNodeRegistry, defineNode, NODE_REGISTRY, param, saveLora } from '../../../shared/nodes/index.js';
import { combineGraph, GraphBuilder, T } from './builder.js';

describe('documentToPlan', () => {
  it('orders topologically, parses params, resolves inputs with edge params in edge order', () => {
    const { b, l1, l2, c, s } = combineGraph();
    // Put the sink first in the document: order must still follow the edges.
    b.doc.nodes.reverse();
    const plan = documentToPlan(b.doc, NODE_REGISTRY);
    expect(plan.nodes.map((n) => n.id)).toEqual([l2, l1, c, s]);
    expect(plan.targets).toEqual([s]);
    expect(plan.pruned).toEqual([]);
    const combine = plan.nodes[2];
    expect(combine?.params).toEqual({ method: 'concat', rank: 32, dynamic: 'fixed', dynamicParam: 0.9, density: 0.5, majority: 'total', seed: 0, clampQuantile: 1, kohyaConcat: false });
    expect(combine?.inputs.loras).toEqual([
      { edgeId: 'e1', node: l1, port: 'lora', params: { weight: 0.7 } },
      { edgeId: 'e2', node: l2, port: 'lora', params: { weight: 0.3 } },
    ]);
    expect(plan.nodes[0]?.dependents).toEqual([c]);
    expect(plan.nodes[3]).toMatchObject({ isTarget: true, dependents: [], inputs: { lora: [{ node: c, params: {} }] } });
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('fills defaults for params missing from the file', () => {
    const { b, c } = combineGraph();
    const node = b.doc.nodes.find((n) => n.id === c);
    if (!node) throw new Error('no node');
    node.params = { method: 'svd' };
    const e = b.doc.edges[0];
    if (e) delete e.params;
    const plan = documentToPlan(b.doc, NODE_REGISTRY);
    const combine = plan.nodes.find((n) => n.id === c);
    expect(combine?.params).toMatchObject({ method: 'svd', rank: 32, clampQuantile: 1 });
    expect(combine?.inputs.loras?.[0]?.params).toEqual({ weight: 1 });
  });

  it('prunes nodes that feed no sink, including notes and unknown types', () => {
    const { b } = combineGraph();
    const stray = b.node(T.scaleLora);
    const note = b.node(T.note, { text: 'hello' });
    const alien = b.node('plugin/x');
    const plan = documentToPlan(b.doc, NODE_REGISTRY);
    expect(plan.pruned).toEqual([stray, note, alien]);
    expect(plan.nodes).toHaveLength(4);
    expect(plan.warnings.map((w) => w.code)).toEqual(['missing-input', 'unknown-node-type']);
  });

  it('runs several sinks, each node once', () => {
    const b = new GraphBuilder();
    const m = b.node(T.loadModel, { path: 'm' });
    const l = b.node(T.loadLora, { path: 'l' });
    const a = b.node(T.applyLora);
    const save = b.node(T.saveModel, { path: 'o' });
    const insp = b.node(T.inspect);
    b.edge(m, 'model', a, 'model');
    b.edge(l, 'lora', a, 'lora');
    b.edge(a, 'model', save, 'model');
    b.edge(l, 'lora', insp, 'loras');
    b.edge(m, 'model', insp, 'model');
    const plan = documentToPlan(b.doc, NODE_REGISTRY);
    expect(plan.nodes.map((n) => n.id)).toEqual([m, l, a, save, insp]);
    expect(plan.targets).toEqual([save, insp]);
    expect(plan.nodes.find((n) => n.id === l)?.dependents).toEqual([a, insp]);
    expect(plan.nodes.find((n) => n.id === a)?.inputs).toEqual({ model: [expect.objectContaining({ node: m })], lora: [expect.objectContaining({ node: l })] });
  });

  it('onlyNodes plans just those nodes and their inputs', () => {
    const { b, l1, l2, c } = combineGraph();
    const plan = documentToPlan(b.doc, NODE_REGISTRY, { onlyNodes: [c] });
    expect(plan.nodes.map((n) => n.id)).toEqual([l1, l2, c]);
    expect(plan.targets).toEqual([c]);
  });

  it('throws GraphPlanError listing every error', () => {
    const b = new GraphBuilder();
    b.node(T.saveLora, { path: '' });
    try {
      documentToPlan(b.doc, NODE_REGISTRY);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GraphPlanError);
      const err = e as GraphPlanError;
      expect(err.problems.map((p) => p.code)).toEqual(['param-invalid', 'missing-input']);
      expect(err.message).toContain('Save LoRA needs a LoRA on its input “LoRA”.');
    }
  });

  it('planParams types a node’s params by its definition', () => {
    const plan = documentToPlan(combineGraph().b.doc, NODE_REGISTRY);
    const node = plan.nodes.find((n) => n.type === combineLoras.type);
    if (!node) throw new Error('no combine node');
    const p = planParams(node, combineLoras);
    const method: 'concat' | 'svd' | 'ties' | 'dare_linear' | 'dare_ties' | 'magnitude_prune' | 'task_arithmetic' | 'kohya' = p.method;
    expect(method).toBe('concat');
    expect(() => planParams(node, saveLora)).toThrow(/not a lora-studio\/save-lora/);
  });
});

describe('node param migrations', () => {
  // A fixture definition at version 3: v1 had `gain` in percent, v2 renamed it to `strength` (a factor),
  // v3 added `mode`.
  const scaled = defineNode({
    type: 'test/scaled',
    title: 'Scaled',
    category: 'LoRA',
    description: 'fixture',
    docs: 'fixture',
    version: 3,
    sink: true,
    inputs: [],
    outputs: [],
    params: {
      strength: param.number({ label: 'Strength', description: 's', default: 1, max: 10 }),
      mode: param.enumOf([{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] as const, { label: 'Mode', description: 'm', default: 'a' }),
    },
    migrations: [
      {
        from: 1,
        description: 'gain (percent) -> strength (factor)',
        migrate: ({ gain, ...rest }) => ({ ...rest, ...(typeof gain === 'number' ? { strength: gain / 100 } : {}) }),
      },
      { from: 2, description: 'mode added', migrate: (p) => ({ mode: 'b', ...p }) },
    ],
  });
  const registry = createNodeRegistry([scaled]);

  const docWith = (typeVersion: number, params: Record<string, number>) => {
    const b = new GraphBuilder();
    b.doc.nodes.push({ id: 'x', type: scaled.type, typeVersion, position: { x: 0, y: 0 }, params });
    return b.doc;
  };

  it('are applied in order when planning', () => {
    expect(documentToPlan(docWith(1, { gain: 50 }), registry).nodes[0]?.params).toEqual({ strength: 0.5, mode: 'b' });
    expect(documentToPlan(docWith(2, { strength: 2 }), registry).nodes[0]?.params).toEqual({ strength: 2, mode: 'b' });
    expect(documentToPlan(docWith(3, { strength: 2 }), registry).nodes[0]?.params).toEqual({ strength: 2, mode: 'a' });
  });

  it('validation sees migrated values', () => {
    expect(() => documentToPlan(docWith(1, { gain: 5000 }), registry)).toThrow(/Strength must be at most 10 \(got 50\)/);
  });

  it('upgradeNodes rewrites the document for the UI', () => {
    const { document, upgraded } = upgradeNodes(docWith(1, { gain: 25 }), registry);
    expect(upgraded).toEqual([{ nodeId: 'x', from: 1, to: 3 }]);
    expect(document.nodes[0]).toMatchObject({ typeVersion: 3, params: { strength: 0.25, mode: 'b' } });
    const current = docWith(3, { strength: 1 });
    expect(upgradeNodes(current, registry).document).toBe(current);
  });
});
