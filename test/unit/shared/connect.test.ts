import { describe, expect, it } from 'vitest';
import { canConnect, type ConnectResult } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { GraphBuilder, T } from './builder.js';

function setup() {
  const b = new GraphBuilder();
  const model = b.node(T.loadModel, { path: 'base.safetensors' });
  const lora = b.node(T.loadLora, { path: 'a.safetensors' });
  const scale = b.node(T.scaleLora);
  const apply = b.node(T.applyLora);
  const combine = b.node(T.combineLoras);
  const save = b.node(T.saveModel, { path: 'out.safetensors' });
  b.edge(lora, 'lora', scale, 'lora');
  b.edge(model, 'model', apply, 'model');
  b.edge(scale, 'lora', apply, 'lora');
  b.edge(apply, 'model', save, 'model');
  return { b, model, lora, scale, apply, combine, save };
}

const connect = (b: GraphBuilder, source: string, sourcePort: string, target: string, targetPort: string, replace = false): ConnectResult =>
  canConnect(b.doc, NODE_REGISTRY, { source, sourcePort, target, targetPort }, { replace });

const refusal = (r: ConnectResult): { code: string; reason: string } => {
  if (r.ok) throw new Error('expected a refusal');
  return r;
};

describe('canConnect', () => {
  it('accepts a compatible free connection', () => {
    const { b, lora, combine } = setup();
    expect(connect(b, lora, 'lora', combine, 'loras')).toEqual({ ok: true });
  });

  it('lets a multi-input port take several connections', () => {
    const { b, lora, scale, combine } = setup();
    b.edge(lora, 'lora', combine, 'loras');
    expect(connect(b, scale, 'lora', combine, 'loras')).toEqual({ ok: true });
  });

  it('refuses a type mismatch, naming both types', () => {
    const { b, model, scale } = setup();
    const r = refusal(connect(b, model, 'model', scale, 'lora'));
    expect(r.code).toBe('type-mismatch');
    expect(r.reason).toBe('Load Model’s output “Model” is a Model; Scale LoRA’s input “LoRA” takes a LoRA.');
  });

  it('refuses a self-loop', () => {
    const { b, scale } = setup();
    expect(refusal(connect(b, scale, 'lora', scale, 'lora')).code).toBe('self-loop');
  });

  it('refuses a connection that would close a cycle, naming the loop', () => {
    const b = new GraphBuilder();
    const s1 = b.node(T.scaleLora);
    const s2 = b.node(T.scaleLora, {}, { title: 'Second' });
    const s3 = b.node(T.scaleLora, {}, { title: 'Third' });
    b.edge(s1, 'lora', s2, 'lora');
    b.edge(s2, 'lora', s3, 'lora');
    const r = refusal(connect(b, s3, 'lora', s1, 'lora'));
    expect(r.code).toBe('cycle');
    expect(r.reason).toBe('This would create a cycle: Scale LoRA → Second → Third → Scale LoRA.');
  });

  it('refuses a second connection into a single-input port, or replaces it when asked', () => {
    const { b, lora, scale, apply } = setup();
    const r = connect(b, lora, 'lora', apply, 'lora');
    expect(r).toMatchObject({ ok: false, code: 'port-occupied', existingEdgeId: 'e3' });
    expect(refusal(r).reason).toContain('takes one connection');
    expect(connect(b, lora, 'lora', apply, 'lora', true)).toEqual({ ok: true, replaces: 'e3' });
    expect(scale).toBe('scale-lora-1');
  });

  it('checks for cycles without the edge being replaced', () => {
    const b = new GraphBuilder();
    const l = b.node(T.loadLora, { path: 'a' });
    const s1 = b.node(T.scaleLora);
    const s2 = b.node(T.scaleLora);
    b.edge(l, 'lora', s1, 'lora');
    b.edge(s1, 'lora', s2, 'lora');
    // s2 -> s1 replaces l -> s1, but s1 -> s2 remains: still a cycle.
    expect(refusal(connect(b, s2, 'lora', s1, 'lora', true)).code).toBe('cycle');
  });

  it('refuses a duplicate connection', () => {
    const { b, lora, combine } = setup();
    b.edge(lora, 'lora', combine, 'loras');
    expect(refusal(connect(b, lora, 'lora', combine, 'loras')).code).toBe('duplicate');
  });

  it('refuses unknown nodes, ports and node types', () => {
    const { b, lora, scale } = setup();
    expect(refusal(connect(b, 'nope', 'lora', scale, 'lora')).code).toBe('unknown-node');
    expect(refusal(connect(b, lora, 'lora', 'nope', 'lora')).code).toBe('unknown-node');
    expect(refusal(connect(b, lora, 'model', scale, 'lora'))).toEqual({ ok: false, code: 'unknown-port', reason: 'Load LoRA has no output "model".' });
    expect(refusal(connect(b, lora, 'lora', scale, 'loras'))).toEqual({ ok: false, code: 'unknown-port', reason: 'Scale LoRA has no input "loras".' });
    const alien = b.node('someone/else');
    expect(refusal(connect(b, alien, 'x', scale, 'lora')).code).toBe('unknown-node-type');
    expect(refusal(connect(b, lora, 'lora', alien, 'x')).code).toBe('unknown-node-type');
  });
});
