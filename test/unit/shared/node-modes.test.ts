import { describe, expect, it } from 'vitest';
import { documentToPlan, effectiveDocument, GraphPlanError, parseGraph, serializeGraph, validateGraph } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { GraphBuilder, T } from './builder.js';

/** Load Model + Load LoRA → Apply LoRA → Apply LoRA (second LoRA) → Save Model; also Save LoRA of the first. */
function stack() {
  const g = new GraphBuilder();
  const model = g.node(T.loadModel, { path: 'base.safetensors' });
  const l1 = g.node(T.loadLora, { path: 'a.safetensors' });
  const l2 = g.node(T.loadLora, { path: 'b.safetensors' });
  const a1 = g.node(T.applyLora);
  const a2 = g.node(T.applyLora);
  const save = g.node(T.saveModel, { path: 'out.safetensors' });
  const saveLora = g.node(T.saveLora, { path: 'a-copy.safetensors' });
  g.edge(model, 'model', a1, 'model');
  g.edge(l1, 'lora', a1, 'lora');
  g.edge(a1, 'model', a2, 'model');
  g.edge(l2, 'lora', a2, 'lora');
  const out = g.edge(a2, 'model', save, 'model');
  g.edge(l1, 'lora', saveLora, 'lora');
  const node = (id: string) => g.doc.nodes.find((n) => n.id === id)!;
  return { g, model, l1, l2, a1, a2, save, saveLora, out, node };
}

describe('bypass and mute', () => {
  it('a document without modes is returned as it is', () => {
    const { g } = stack();
    expect(effectiveDocument(g.doc, NODE_REGISTRY).doc).toBe(g.doc);
  });

  it('a bypassed Apply LoRA passes its model through: the plan skips it and its LoRA', () => {
    const { g, model, l1, l2, a1, a2, save, saveLora, node } = stack();
    node(a2).mode = 'bypass';
    const plan = documentToPlan(g.doc, NODE_REGISTRY);
    expect(plan.nodes.map((n) => n.id).sort()).toEqual([model, l1, a1, save, saveLora].sort());
    expect(plan.nodes.find((n) => n.id === save)?.inputs.model).toEqual([expect.objectContaining({ node: a1, port: 'model' })]);
    expect(plan.pruned).toContain(l2); // feeds only the bypassed node
    expect(plan.skipped).toEqual([{ nodeId: a2, reason: 'bypass' }]);
    expect(validateGraph(g.doc, NODE_REGISTRY).filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('chains of bypassed nodes pass through to the first node that runs', () => {
    const { g, model, a1, a2, save, node } = stack();
    node(a1).mode = 'bypass';
    node(a2).mode = 'bypass';
    const plan = documentToPlan(g.doc, NODE_REGISTRY);
    expect(plan.nodes.find((n) => n.id === save)?.inputs.model).toEqual([expect.objectContaining({ node: model })]);
  });

  it('a muted node and what depends only on it do not run; other outputs still do', () => {
    const { g, l1, l2, a1, a2, save, saveLora, node } = stack();
    node(l2).mode = 'mute';
    const plan = documentToPlan(g.doc, NODE_REGISTRY);
    const ids = plan.nodes.map((n) => n.id);
    for (const id of [l2, a2, save]) expect(ids).not.toContain(id);
    expect(ids).toEqual(expect.arrayContaining([l1, saveLora]));
    expect(ids).not.toContain(a1); // feeds only the muted branch now
    expect(plan.targets).toEqual([saveLora]);
    expect(plan.skipped).toEqual([{ nodeId: l2, reason: 'mute' }, { nodeId: a2, reason: 'depends', on: l2 }, { nodeId: save, reason: 'depends', on: a2 }]);
  });

  it('a bypassed node with nothing to pass (Load LoRA) takes its dependents out; every output gone is an error that says so', () => {
    const { g, l1, l2, node } = stack();
    node(l1).mode = 'bypass';
    node(l2).mode = 'mute';
    expect(() => documentToPlan(g.doc, NODE_REGISTRY)).toThrow(GraphPlanError);
    const p = validateGraph(g.doc, NODE_REGISTRY).find((x) => x.code === 'no-sink');
    expect(p?.message).toMatch(/every output node is bypassed, muted or needs a node that is/);
  });

  it('a muted input of a multi-input port leaves the others connected', () => {
    const g = new GraphBuilder();
    const a = g.node(T.loadLora, { path: 'a.safetensors' });
    const b = g.node(T.loadLora, { path: 'b.safetensors' }, { mode: 'mute' });
    const c = g.node(T.combineLoras);
    const s = g.node(T.saveLora, { path: 'o.safetensors' });
    g.edge(a, 'lora', c, 'loras', { weight: 0.5 });
    g.edge(b, 'lora', c, 'loras', { weight: 0.5 });
    g.edge(c, 'lora', s, 'lora');
    const plan = documentToPlan(g.doc, NODE_REGISTRY);
    expect(plan.nodes.find((n) => n.id === c)?.inputs.loras?.map((i) => i.node)).toEqual([a]);
  });

  it('problems of a muted node are not reported (it does not run)', () => {
    const { g, l2, node } = stack();
    node(l2).params = { path: '' };
    expect(validateGraph(g.doc, NODE_REGISTRY).some((p) => p.nodeId === l2 && p.severity === 'error')).toBe(true);
    node(l2).mode = 'mute';
    expect(validateGraph(g.doc, NODE_REGISTRY).some((p) => p.nodeId === l2)).toBe(false);
  });

  it('the mode is kept through a save and load', () => {
    const { g, a1, node } = stack();
    node(a1).mode = 'bypass';
    const back = parseGraph(serializeGraph(g.doc)).document;
    expect(back.nodes.find((n) => n.id === a1)?.mode).toBe('bypass');
    expect(() => parseGraph(serializeGraph({ ...g.doc, nodes: [{ ...node(a1), mode: 'never' as never }] }))).toThrow(/mode/);
  });
});
