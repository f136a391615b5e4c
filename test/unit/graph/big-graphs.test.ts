/**
 * Big and deep graphs: 10,000 nodes in a chain and in a wide fan-in validate, plan and run without
 * recursion limits; params nested beyond any real document are refused with a clear error.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineService, type EngineService } from '../../../main/engine/service/index.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { parseGraph, serializeGraph } from '../../../shared/graph/codec.js';
import type { GraphDocument } from '../../../shared/graph/document.js';
import { GraphFileError } from '../../../shared/graph/errors.js';
import { documentToPlan } from '../../../shared/graph/plan.js';
import { validateGraph } from '../../../shared/graph/validate.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { GraphBuilder, T } from '../shared/builder.js';
import { makeDemoDir, runAndCollect } from './helpers/demo-dir.js';

const N = 10_000;
let dir: string;
let service: EngineService;
beforeAll(async () => {
  dir = await makeDemoDir();
  service = createEngineService({ workers: 1, nodeImplOptions: { hashInputs: false } });
});
afterAll(async () => {
  await service.dispose();
});

/** Written directly (the builder looks nodes up linearly): Load LoRA → Scale ×(n) → Save LoRA. */
function chainGraph(n: number, out: string): GraphDocument {
  const g = new GraphBuilder();
  const load = g.node(T.loadLora, { path: 'style-lora.safetensors' }, { id: 'load' });
  const scale = g.node(T.scaleLora, { strength: 1 }, { id: 'scale-template' });
  const save = g.node(T.saveLora, { path: out }, { id: 'save' });
  const template = g.doc.nodes.find((x) => x.id === scale)!;
  const nodes = [g.doc.nodes.find((x) => x.id === load)!];
  const edges: GraphDocument['edges'] = [];
  let prev = load;
  for (let i = 0; i < n; i++) {
    const id = `s${i}`;
    // Strength alternates 2 and 0.5, so ten thousand scalings stay finite.
    nodes.push({ ...template, id, params: { ...template.params, strength: i % 2 === 0 ? 2 : 0.5 } });
    edges.push({ id: `e${i}`, source: prev, sourcePort: 'lora', target: id, targetPort: 'lora' });
    prev = id;
  }
  nodes.push(g.doc.nodes.find((x) => x.id === save)!);
  edges.push({ id: 'e-save', source: prev, sourcePort: 'lora', target: save, targetPort: 'lora' });
  return { ...g.doc, nodes, edges };
}

/** One Load LoRA → n Scale nodes → one Combine (n inputs) → Save LoRA. */
function fanInGraph(n: number, out: string): GraphDocument {
  const g = new GraphBuilder();
  g.node(T.loadLora, { path: 'style-lora.safetensors' }, { id: 'load' });
  g.node(T.scaleLora, { strength: 1 }, { id: 'tpl' });
  g.node(T.combineLoras, {}, { id: 'combine' });
  g.node(T.saveLora, { path: out }, { id: 'save' });
  const [load, tpl, combine, save] = g.doc.nodes;
  const nodes = [load!];
  const edges: GraphDocument['edges'] = [];
  for (let i = 0; i < n; i++) {
    nodes.push({ ...tpl!, id: `s${i}`, params: { ...tpl!.params, strength: 1 / n } });
    edges.push({ id: `a${i}`, source: 'load', sourcePort: 'lora', target: `s${i}`, targetPort: 'lora' });
    edges.push({ id: `b${i}`, source: `s${i}`, sourcePort: 'lora', target: 'combine', targetPort: 'loras', params: { weight: 1 } });
  }
  nodes.push(combine!, save!);
  edges.push({ id: 'c', source: 'combine', sourcePort: 'lora', target: 'save', targetPort: 'lora' });
  return { ...g.doc, nodes, edges };
}

describe('graphs of 10,000 nodes', () => {
  it('a chain of 10,000 Scale nodes round-trips the file format, validates, plans and runs', async () => {
    const doc = parseGraph(serializeGraph(chainGraph(N, 'out/chain.safetensors'))).document;
    expect(validateGraph(doc, NODE_REGISTRY).filter((p) => p.severity === 'error')).toEqual([]);
    expect(documentToPlan(doc, NODE_REGISTRY).nodes.length).toBe(N + 2);
    const r = await runAndCollect(service, doc, { baseDir: dir });
    expect(r.finished?.status, JSON.stringify(r.finished?.error)).toBe('ok');
    const f = await SafetensorsFile.open(path.join(dir, 'out/chain.safetensors'));
    expect(f.entries.length).toBeGreaterThan(0);
    // The recipe of 10,002 nodes is far over 64 KiB and is stored whole.
    const recipe = f.metadata['lora_studio.recipe'];
    await f.close();
    expect(recipe).toBeDefined();
    expect(recipe!.length).toBeGreaterThan(64 * 1024);
    expect(() => JSON.parse(recipe!) as unknown).not.toThrow();
  }, 300_000);

  it('a fan-in of 10,000 inputs into one Combine validates and plans', () => {
    const doc = parseGraph(serializeGraph(fanInGraph(N, 'out/fan.safetensors'))).document;
    expect(validateGraph(doc, NODE_REGISTRY).filter((p) => p.severity === 'error')).toEqual([]);
    const plan = documentToPlan(doc, NODE_REGISTRY);
    expect(plan.nodes.find((x) => x.id === 'combine')!.inputs.loras!.length).toBe(N);
  });

  // Running 10,000 inputs is bound by the combine itself (exact concatenation: rank 10,000 × r), not by the graph.
  it('a fan-in of 200 inputs into one Combine runs', async () => {
    const r = await runAndCollect(service, fanInGraph(200, 'out/fan.safetensors'), { baseDir: dir });
    expect(r.finished?.status, JSON.stringify(r.finished?.error)).toBe('ok');
  }, 300_000);
});

describe('deeply nested params', () => {
  it('a graph file whose params nest 100,000 levels is refused with a clear error', () => {
    const g = new GraphBuilder();
    g.node(T.note, { text: 'x' }, { id: 'n' });
    const text = serializeGraph(g.doc).replace('"text": "x"', `"text": ${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    let err: unknown;
    try {
      parseGraph(text, { file: 'deep.json' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(GraphFileError);
    expect((err as GraphFileError).code).toBe('too-deep');
    expect((err as GraphFileError).message).toContain('"deep.json"');
  });
});
