import { describe, expect, it } from 'vitest';
import { hasErrors, validateGraph, type Problem } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { combineGraph, GraphBuilder, T } from './builder.js';

const codes = (ps: readonly Problem[]): string[] => ps.map((p) => `${p.severity}:${p.code}`);

describe('validateGraph', () => {
  it('finds nothing wrong in a valid graph', () => {
    expect(validateGraph(combineGraph().b.doc, NODE_REGISTRY)).toEqual([]);
  });

  it('an empty graph has nothing to run', () => {
    const ps = validateGraph(new GraphBuilder().doc, NODE_REGISTRY);
    expect(ps).toEqual([expect.objectContaining({ severity: 'error', code: 'no-sink' })]);
    expect(ps[0]?.hint).toContain('Save Model');
    expect(ps[0]?.nodeId).toBeUndefined();
  });

  it('params out of range, with node id, title, param and the value', () => {
    const { b, c } = combineGraph();
    const node = b.doc.nodes.find((n) => n.id === c);
    if (!node) throw new Error('no node');
    node.params = { ...node.params, method: 'ties', density: 1.5, rank: 0 };
    node.title = 'Mix';
    const ps = validateGraph(b.doc, NODE_REGISTRY);
    expect(ps).toEqual([
      { severity: 'error', code: 'param-invalid', nodeId: c, nodeTitle: 'Mix', param: 'rank', message: 'Mix: Rank must be at least 1 (got 0).' },
      { severity: 'error', code: 'param-invalid', nodeId: c, nodeTitle: 'Mix', param: 'density', message: 'Mix: Density must be at most 1 (got 1.5).' },
    ]);
  });

  it('a bad value in a param the settings hide is a warning, not an error', () => {
    const { b, c } = combineGraph();
    const node = b.doc.nodes.find((n) => n.id === c);
    if (!node) throw new Error('no node');
    node.params = { ...node.params, method: 'concat', density: 7 };
    expect(codes(validateGraph(b.doc, NODE_REGISTRY))).toEqual(['warning:param-ignored']);
  });

  it('unknown params are ignored with a warning', () => {
    const { b, s } = combineGraph();
    const node = b.doc.nodes.find((n) => n.id === s);
    if (!node) throw new Error('no node');
    node.params = { ...node.params, colour: 'red' };
    expect(validateGraph(b.doc, NODE_REGISTRY)).toEqual([expect.objectContaining({ severity: 'warning', code: 'param-unknown', param: 'colour', nodeId: s })]);
  });

  it('a new Save node has a default file name, so only its input is missing', () => {
    const b = new GraphBuilder();
    const save = b.node(T.saveModel);
    expect(b.doc.nodes[0]?.params.path).toBe('merged-model.safetensors');
    expect(validateGraph(b.doc, NODE_REGISTRY).map((p) => [p.code, p.nodeId])).toEqual([['missing-input', save]]);
  });

  it('missing required inputs and empty paths', () => {
    const b = new GraphBuilder();
    const apply = b.node(T.applyLora);
    const save = b.node(T.saveModel, { path: '' });
    b.edge(apply, 'model', save, 'model');
    const ps = validateGraph(b.doc, NODE_REGISTRY);
    expect(ps.map((p) => [p.code, p.nodeId, p.port ?? p.param])).toEqual([
      ['missing-input', apply, 'model'],
      ['missing-input', apply, 'lora'],
      ['param-invalid', save, 'path'],
    ]);
    expect(ps[1]?.message).toBe('Apply LoRA needs a LoRA on its input “LoRA”.');
    expect(ps[2]?.message).toBe('Save Model: Output is not set: choose where to save.');
  });

  it('incompatible connections, unknown ports and dangling edges in a file', () => {
    const { b, l1, c, s } = combineGraph();
    b.doc.edges.push({ id: 'bad1', source: l1, sourcePort: 'lora', target: s, targetPort: 'lora' });
    const m = b.node(T.loadModel, { path: 'm.safetensors' });
    b.doc.edges.push({ id: 'bad2', source: m, sourcePort: 'model', target: c, targetPort: 'loras' });
    b.doc.edges.push({ id: 'bad3', source: m, sourcePort: 'nope', target: c, targetPort: 'loras' });
    b.doc.edges.push({ id: 'bad4', source: 'ghost', sourcePort: 'lora', target: c, targetPort: 'loras' });
    const ps = validateGraph(b.doc, NODE_REGISTRY);
    const byEdge = Object.fromEntries(ps.filter((p) => p.edgeId).map((p) => [p.edgeId, p.code]));
    expect(byEdge).toEqual({ bad2: 'incompatible-connection', bad3: 'unknown-port', bad4: 'dangling-edge' });
    expect(ps.find((p) => p.edgeId === 'bad2')?.message).toBe('Load Model’s output “Model” is a Model but Combine LoRAs’s input “LoRAs” takes a LoRA.');
    expect(ps).toContainEqual(expect.objectContaining({ code: 'too-many-inputs', nodeId: s, port: 'lora' }));
  });

  it('cycles are errors that name every node involved', () => {
    const b = new GraphBuilder();
    const s1 = b.node(T.scaleLora);
    const s2 = b.node(T.scaleLora);
    const save = b.node(T.saveLora, { path: 'o.safetensors' });
    b.edge(s1, 'lora', s2, 'lora');
    b.edge(s2, 'lora', s1, 'lora');
    b.edge(s2, 'lora', save, 'lora');
    const cycle = validateGraph(b.doc, NODE_REGISTRY).filter((p) => p.code === 'cycle');
    expect(cycle).toEqual([expect.objectContaining({ severity: 'error', nodeId: s1, nodeIds: [s1, s2] })]);
    expect(cycle[0]?.message).toBe('These nodes form a cycle: Scale LoRA → Scale LoRA → Scale LoRA.');
  });

  it('unknown node types are reported (and kept)', () => {
    const { b, c } = combineGraph();
    const alien = b.node('plugin/denoise', {}, { id: 'alien' });
    b.doc.edges.push({ id: 'ea', source: alien, sourcePort: 'lora', target: c, targetPort: 'loras' });
    const ps = validateGraph(b.doc, NODE_REGISTRY);
    expect(ps).toEqual([expect.objectContaining({ severity: 'error', code: 'unknown-node-type', nodeId: 'alien', nodeTitle: 'plugin/denoise' })]);
    expect(b.doc.nodes.some((n) => n.id === 'alien')).toBe(true);
  });

  it('an input fed by an unknown node is not also reported as missing', () => {
    const b = new GraphBuilder();
    const alien = b.node('plugin/make-lora', {}, { id: 'alien' });
    const save = b.node(T.saveLora, { path: 'o.safetensors' });
    b.doc.edges.push({ id: 'ea', source: alien, sourcePort: 'lora', target: save, targetPort: 'lora' });
    expect(codes(validateGraph(b.doc, NODE_REGISTRY))).toEqual(['error:unknown-node-type']);
  });

  it('problems of nodes that feed no output are warnings', () => {
    const { b } = combineGraph();
    const stray = b.node(T.scaleLora, { strength: 1000 });
    b.node('plugin/unknown');
    const ps = validateGraph(b.doc, NODE_REGISTRY);
    expect(codes(ps)).toEqual(['warning:param-invalid', 'warning:missing-input', 'warning:unknown-node-type']);
    expect(ps[0]?.nodeId).toBe(stray);
    expect(ps[0]?.message).toBe('Scale LoRA: Strength must be at most 100 (got 1000). (Not run: the node feeds no output that is being run.)');
    expect(hasErrors(ps)).toBe(false);
  });

  it('edge params are validated per connection', () => {
    const { b, c } = combineGraph();
    const e = b.doc.edges[0];
    if (!e) throw new Error('no edge');
    e.params = { weight: 500, colour: 1 };
    const ps = validateGraph(b.doc, NODE_REGISTRY);
    expect(ps).toEqual([
      expect.objectContaining({ severity: 'warning', code: 'edge-param-unknown', edgeId: e.id, param: 'colour' }),
      expect.objectContaining({ severity: 'error', code: 'edge-param-invalid', edgeId: e.id, nodeId: c, port: 'loras', param: 'weight' }),
    ]);
    expect(ps[1]?.message).toBe('Combine LoRAs, input “LoRAs” (load-lora-1): Weight must be at most 100 (got 500).');
  });

  it('definition checks surface as problems, with their severity', () => {
    const b = new GraphBuilder();
    const m1 = b.node(T.loadModel, { path: 'a' });
    const m2 = b.node(T.loadModel, { path: 'b' });
    const merge = b.node(T.mergeModels, { mode: 'add_difference' });
    const save = b.node(T.saveModel, { path: 'o' });
    b.edge(m1, 'model', merge, 'a');
    b.edge(m2, 'model', merge, 'b');
    b.edge(merge, 'model', save, 'model');
    expect(validateGraph(b.doc, NODE_REGISTRY)).toEqual([
      { severity: 'error', code: 'needs-input-c', nodeId: merge, nodeTitle: 'Merge Models', port: 'c', message: 'Merge Models: add difference needs a model on input C.' },
    ]);
  });

  it('a node saved by a newer node version is refused', () => {
    const { b, c } = combineGraph();
    const node = b.doc.nodes.find((n) => n.id === c);
    if (!node) throw new Error('no node');
    node.typeVersion = 9;
    expect(validateGraph(b.doc, NODE_REGISTRY)).toEqual([expect.objectContaining({ severity: 'error', code: 'node-version-newer', nodeId: c })]);
  });

  it('onlyNodes: runs what is named, reports names that do not exist', () => {
    const { b, l1 } = combineGraph();
    b.node(T.saveModel, { path: '' }); // an unfinished sink elsewhere
    expect(codes(validateGraph(b.doc, NODE_REGISTRY, { onlyNodes: [l1] }))).toEqual(['warning:param-invalid', 'warning:missing-input']);
    expect(codes(validateGraph(b.doc, NODE_REGISTRY))).toEqual(['error:param-invalid', 'error:missing-input']);
    expect(validateGraph(b.doc, NODE_REGISTRY, { onlyNodes: ['ghost'] })).toContainEqual(expect.objectContaining({ severity: 'error', code: 'unknown-node', nodeId: 'ghost' }));
  });
});
