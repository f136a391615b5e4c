/**
 * The engine service as shells use it: inspectFile, validateGraph (shared + engine problems with node id and
 * title), the events of a run (shape and order), backend info, the PlatformApi handlers wired to the shared
 * dispatcher.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Problem } from '../../shared/graph/problems.js';
import { engineEventSchema, type EngineEvent } from '../../shared/ipc/events.js';
import { backendInfoSchema } from '../../shared/ipc/system.js';
import { inspectionResultSchema } from '../../shared/ipc/inspection.js';
import { generateDemoFiles } from '../../main/engine/demo/index.js';
import { createEngineService, engineApiHandlers, type EngineService } from '../../main/engine/service/index.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { writeSafetensors } from '../helpers/safetensors.js';
import { GraphBuilder, T } from '../unit/shared/builder.js';

let dir: string;
let service: EngineService;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ls-service-'));
  await generateDemoFiles(dir);
  service = createEngineService({ workers: 2, nodeImplOptions: { hashInputs: false } });
});
afterAll(async () => {
  await service.dispose();
});

const byCode = (problems: Problem[], code: string): Problem | undefined => problems.find((p) => p.code === code);

describe('engine service', () => {
  it('inspects a LoRA and maps it onto a base', async () => {
    const r = await service.inspectFile({ path: path.join(dir, 'style-lora.safetensors'), base: path.join(dir, 'sd15-tiny.safetensors') });
    expect(() => inspectionResultSchema.parse(r)).not.toThrow();
    expect(r.kind).toBe('lora');
    expect(r.architecture.family).toBe('sd1');
    expect(r.mapping).toMatchObject({ matched: 132, unmatched: [] });
  });

  it('validates: missing files, pickles, outputs over inputs, existing outputs, unmatched and foreign LoRAs, each on its node', async () => {
    writeFileSync(path.join(dir, 'old.ckpt'), 'not really');
    writeFileSync(path.join(dir, 'exists.safetensors'), 'x');
    const g = new GraphBuilder();
    const missing = g.node(T.loadLora, { path: 'nope.safetensors' }, { title: 'My LoRA' });
    const pickle = g.node(T.loadModel, { path: 'old.ckpt' });
    const sd = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const bert = g.node(T.loadModel, { path: 'distilbert-tiny.safetensors' });
    const style = g.node(T.loadLora, { path: 'style-lora.safetensors' });
    const onBert = g.node(T.applyLora, {});
    const over = g.node(T.saveModel, { path: 'sd15-tiny.safetensors' });
    const exists = g.node(T.saveModel, { path: 'exists.safetensors', ifExists: 'error' });
    const m1 = g.node(T.applyLora, {});
    const save1 = g.node(T.saveModel, { path: 'out/a.safetensors' });
    const viaPickle = g.node(T.saveModel, { path: 'out/b.safetensors' });
    const s2 = g.node(T.saveModel, { path: 'out/c.safetensors' });
    g.edge(bert, 'model', onBert, 'model');
    g.edge(style, 'lora', onBert, 'lora');
    g.edge(onBert, 'model', over, 'model');
    g.edge(sd, 'model', exists, 'model');
    g.edge(sd, 'model', m1, 'model');
    g.edge(missing, 'lora', m1, 'lora');
    g.edge(m1, 'model', save1, 'model');
    g.edge(pickle, 'model', viaPickle, 'model');
    g.edge(sd, 'model', s2, 'model');
    const problems = await service.validateGraph(g.doc, { baseDir: dir });
    expect(byCode(problems, 'file-not-found')).toMatchObject({ severity: 'error', nodeId: missing, nodeTitle: 'My LoRA', param: 'path' });
    expect(byCode(problems, 'file-not-found')!.message).toContain(path.join(dir, 'nope.safetensors'));
    expect(byCode(problems, 'pickle-refused')).toMatchObject({ nodeId: pickle, severity: 'error' });
    expect(byCode(problems, 'output-is-input')).toMatchObject({ nodeId: over, severity: 'error' });
    expect(byCode(problems, 'output-exists')).toMatchObject({ nodeId: exists, severity: 'error' });
    const foreign = byCode(problems, 'architecture-mismatch');
    expect(foreign).toMatchObject({ nodeId: onBert, nodeTitle: 'Apply LoRA', severity: 'error' });
    // One line; the module list is folded away in `details`.
    expect(foreign!.message).toMatch(/^Apply LoRA: SD 1\.x LoRA on a DistilBERT base: (\d+) of \1 modules do not match \(.*\)\.$/);
    expect(foreign!.details).toMatch(/^ {2}- /);
    const r = await service.runGraph(g.doc, {}, { baseDir: dir });
    expect(r.status).toBe('invalid');
  });

  it('an unmatched module is an error unless the node allows it; problems on nodes that do not run are warnings', async () => {
    const specs = await SafetensorsFile.open(path.join(dir, 'sd15-tiny.safetensors'));
    const km = buildKeyMap(specs.entries);
    await specs.close();
    const real = km.modules.find((m) => m.kohyaName?.endsWith('attn2_to_k'))!;
    const [out, inp] = real.target.baseShape as [number, number];
    writeSafetensors(path.join(dir, 'partly.safetensors'), [
      { name: `${real.kohyaName}.lora_down.weight`, shape: [2, inp], data: new Float32Array(2 * inp) },
      { name: `${real.kohyaName}.lora_up.weight`, shape: [out, 2], data: new Float32Array(out * 2) },
      { name: 'lora_unet_no_such_block_to_q.lora_down.weight', shape: [2, inp], data: new Float32Array(2 * inp) },
      { name: 'lora_unet_no_such_block_to_q.lora_up.weight', shape: [out, 2], data: new Float32Array(out * 2) },
    ]);
    const graph = (allowUnmatched: boolean): { g: GraphBuilder; apply: string; idle: string } => {
      const g = new GraphBuilder();
      const sd = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
      const lora = g.node(T.loadLora, { path: 'partly.safetensors' });
      const apply = g.node(T.applyLora, { allowUnmatched });
      const save = g.node(T.saveModel, { path: 'out/partly.safetensors' });
      const idle = g.node(T.loadLora, { path: 'missing-too.safetensors' });
      g.edge(sd, 'model', apply, 'model');
      g.edge(lora, 'lora', apply, 'lora');
      g.edge(apply, 'model', save, 'model');
      return { g, apply, idle };
    };
    const strict = graph(false);
    const problems = await service.validateGraph(strict.g.doc, { baseDir: dir });
    const unmatched = byCode(problems, 'lora-unmatched');
    expect(unmatched).toMatchObject({ nodeId: strict.apply, severity: 'error', port: 'lora' });
    expect(unmatched!.message).toMatch(/1 of 2 modules of partly\.safetensors match nothing/);
    expect(unmatched!.message).not.toContain('\n');
    expect(unmatched!.details).toContain('lora_unet_no_such_block_to_q');
    expect(byCode(problems, 'file-not-found')).toMatchObject({ nodeId: strict.idle, severity: 'warning' });
    const lenient = graph(true);
    const relaxed = await service.validateGraph(lenient.g.doc, { baseDir: dir });
    expect(relaxed.filter((p) => p.severity === 'error')).toEqual([]);
    expect(byCode(relaxed, 'lora-unmatched')).toMatchObject({ nodeId: lenient.apply, severity: 'warning' });
  });

  it('emits schema-valid events in order for a run, and serves backend info', async () => {
    const g = new GraphBuilder();
    const sd = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const lora = g.node(T.loadLora, { path: 'character-lora.safetensors' });
    const apply = g.node(T.applyLora, { strength: 0.7 });
    const save = g.node(T.saveModel, { path: 'out/events.safetensors', dtype: 'bf16' });
    g.edge(sd, 'model', apply, 'model');
    g.edge(lora, 'lora', apply, 'lora');
    g.edge(apply, 'model', save, 'model');
    const events: EngineEvent[] = [];
    const off = service.onEvent((e) => events.push(e));
    const start = await service.runGraph(g.doc, {}, { baseDir: dir });
    expect(start.status).toBe('started');
    if (start.status !== 'started') return;
    const finished = await service.waitForRun(start.runId);
    off();
    const mine = events.filter((e) => e.runId === start.runId);
    for (const e of mine) engineEventSchema.parse(e);
    expect(mine[0]!.type).toBe('run-started');
    expect(mine.at(-1)).toBe(finished);
    const perNode = (id: string): string[] => mine.filter((e) => 'nodeId' in e && e.nodeId === id && e.type !== 'log').map((e) => e.type);
    for (const id of [sd, lora, apply, save]) {
      const seq = perNode(id);
      expect(seq[0]).toBe('node-started');
      expect(seq.at(-1)).toBe('node-finished');
      expect(seq.slice(1, -1).every((t) => t === 'node-progress')).toBe(true);
    }
    const applyDone = mine.find((e) => e.type === 'node-finished' && e.nodeId === apply);
    expect(applyDone?.type === 'node-finished' && applyDone.summary).toBe('64/64 modules matched, strength 0.7 (TE 1)');
    expect(applyDone?.type === 'node-finished' && applyDone.report?.sections[0]?.kind).toBe('mapping');
    expect(finished.outputs.files[0]).toMatchObject({ nodeId: save, kind: 'model', path: path.join(dir, 'out/events.safetensors') });
    const info = await service.getBackendInfo();
    expect(() => backendInfoSchema.parse(info)).not.toThrow();
    expect(info.workers).toBe(2);
    expect(info.candidates.filter((c) => c.status === 'active')).toHaveLength(1);
  });

  it('serves the PlatformApi engine methods as handlers (graph context from the shell)', async () => {
    const handlers = engineApiHandlers(service, () => ({ baseDir: dir }));
    const g = new GraphBuilder();
    g.node(T.loadLora, { path: 'nope.safetensors' });
    const problems = await handlers.validateGraph(g.doc);
    expect(problems.map((p) => p.code)).toEqual(expect.arrayContaining(['no-sink', 'file-not-found']));
    expect(await handlers.getActiveRun()).toBeNull();
    expect(await handlers.stopRun('unknown')).toEqual({ stopped: false });
  });
});
