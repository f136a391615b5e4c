/**
 * The peak-memory estimate's formula against its parts (memory-estimate.ts), and the parts the engine checks
 * derive from real graphs on demo files (memory-checks.ts). The measured side is
 * test/integration/memory-estimate-cli.test.ts.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineChecks } from '../../../main/engine/graph/checks/index.js';
import {
  bakePhase,
  estimatePeakMemory,
  exportModuleBytes,
  extractTensorBytes,
  kernelTensorBytes,
  loraExportPhase,
  RUN_THREAD_BYTES,
  wholeBytesPerElement,
  wholeTensorsInFlight,
  WORKER_RUNTIME_BYTES,
  type WholeTensor,
} from '../../../main/engine/graph/memory-estimate.js';
import { generateDemoFiles } from '../../../main/engine/demo/index.js';
import { DEFAULT_WINDOW_BYTES } from '../../../main/engine/export/ordered-stream.js';
import { BLOCK_BYTES } from '../../../main/engine/ops/apply/kernels/low-rank-bake.js';
import { CHUNK_BYTES } from '../../../main/engine/tensor-io/range-copy.js';
import { NODE_REGISTRY } from '../../../shared/nodes/catalogue/index.js';
import { GraphBuilder, T } from '../shared/builder.js';

const MiB = 2 ** 20;
const bf16 = (elements: number, work: WholeTensor['work']): WholeTensor => ({ elements, work, inBytes: 2, outBytes: 2 });

describe('memory estimate: the formula', () => {
  it('fused bake: the factors twice in fp32, down packed, two row blocks — nothing of the tensor’s size', () => {
    expect(kernelTensorBytes({ rows: 4096, cols: 14336, rank: 16 })).toBe(2 * (4096 + 14336) * 16 * 4 + 14336 * 16 * 4 + 2 * BLOCK_BYTES);
    // Llama-3-8B's embedding (525 M elements, 1 GB in bf16) at rank 16: under 25 MiB.
    expect(kernelTensorBytes({ rows: 128256, cols: 4096, rank: 16 })).toBeLessThan(25 * MiB);
  });

  it('whole tensors: bytes per element by what patches them (bf16 in and out)', () => {
    // base bytes 2 + fp32 weight 4 + ΔW and two scratches 12 + the product's heap 8 + output 2
    expect(wholeBytesPerElement(bf16(1, { type: 'dense' }))).toBe(28);
    // 2 + weight 4 + τ 2·4 + delta 4 + merged 4 + heap 8 + 2
    expect(wholeBytesPerElement(bf16(1, { type: 'merge-method', members: 2 }))).toBe(32);
    // 2 + A 4 + B's bytes 2, cast to fp32 4 and decoded 4 + 2; with C another 10
    expect(wholeBytesPerElement(bf16(1, { type: 'merge-models', others: 1 }))).toBe(18);
    expect(wholeBytesPerElement(bf16(1, { type: 'merge-models', others: 2 }))).toBe(28);
    // 2 + decoded 4 + fp8 1
    expect(wholeBytesPerElement({ elements: 1, work: { type: 'cast' }, inBytes: 2, outBytes: 1 })).toBe(7);
  });

  it('whole tensors in flight: one per worker, unless the window admits fewer, and one awaiting collection', () => {
    const t = bf16(1e6, { type: 'merge-models', others: 1 });
    // 18 MB each, window cost 10 B per element: 256 MiB admits ~26 of them, 2 workers run 2.
    expect(wholeTensorsInFlight(t, 2, DEFAULT_WINDOW_BYTES)).toBe(3 * 18e6);
    // 64 workers: the window bounds them to 18/10 of itself.
    expect(wholeTensorsInFlight(t, 64, DEFAULT_WINDOW_BYTES)).toBeCloseTo((DEFAULT_WINDOW_BYTES * 18) / 10 + 18e6, 0);
    // A tensor larger than the window goes alone, whatever the workers.
    const big = bf16(1e8, { type: 'merge-models', others: 1 });
    expect(wholeTensorsInFlight(big, 16, DEFAULT_WINDOW_BYTES)).toBe(2 * 18e8);
    expect(wholeTensorsInFlight(big, 1, DEFAULT_WINDOW_BYTES)).toBe(2 * 18e8);
  });

  it('a bake’s parts: copy buffers and fused bake per worker, whole tensors once', () => {
    const phase = bakePhase({ workers: 4, kernel: { rows: 1280, cols: 5120, rank: 32 }, whole: bf16(1e6, { type: 'dense' }) });
    expect(phase.parts.map((p) => p.bytes)).toEqual([4 * CHUNK_BYTES, 4 * kernelTensorBytes({ rows: 1280, cols: 5120, rank: 32 }), 5 * 28e6]);
    expect(phase.parts.map((p) => p.name)).toEqual([expect.stringMatching(/^copy buffers 4 × 256 KiB/), expect.stringMatching(/^fused bake 4 ×/), 'whole fp32 tensors (dense)']);
    // Without patches (a cast or a copy) only the buffers remain.
    expect(bakePhase({ workers: 2 }).parts).toHaveLength(1);
  });

  it('LoRA export: factors per worker, dense members with the sketch, and the modules in flight to the writer', () => {
    const factorsOnly = { out: 4096, inFlat: 1024, rank: 16, outRank: 8, denseMembers: 0 };
    expect(exportModuleBytes(factorsOnly)).toBe((4096 + 1024) * 16 * 16);
    const ties = { ...factorsOnly, denseMembers: 2 };
    expect(exportModuleBytes(ties)).toBe((4096 + 1024) * 16 * 16 + 4096 * 1024 * (4 * 5 + 8) + (4096 + 1024) * (8 + 16) * 4 * 3);
    const phase = loraExportPhase({ workers: 2, module: ties });
    // Dense modules: one more awaiting collection.
    expect(phase.parts[0]!.bytes).toBe(3 * exportModuleBytes(ties));
    expect(loraExportPhase({ workers: 2, module: factorsOnly }).parts[0]!.bytes).toBe(2 * exportModuleBytes(factorsOnly));
    // 6 modules in flight (2 per worker + 2) of (out + in)·k·8 bytes.
    expect(phase.parts[1]!.bytes).toBe(6 * (4096 + 1024) * 8 * 8);
  });

  it('extract: both weights, four fp32 copies and the sketch', () => {
    expect(extractTensorBytes({ out: 4096, inFlat: 1024, inBytes: 2, rank: 8 })).toBe(4096 * 1024 * 20 + (4096 + 1024) * 18 * 12);
  });

  it('the total: this process, the run’s allowance, the runtimes, the largest phase, what is held; each named', () => {
    const small = bakePhase({ workers: 2 });
    const large = loraExportPhase({ workers: 2, module: { out: 4096, inFlat: 4096, rank: 64, outRank: 64, denseMembers: 3 } });
    const held = [{ name: 'Extract LoRA: factors', bytes: 5 * MiB }];
    const r = estimatePeakMemory({ workers: 2, phases: [small, large], held }, 100 * MiB);
    const largeBytes = large.parts.reduce((s, p) => s + p.bytes, 0);
    expect(r.bytes).toBe(100 * MiB + RUN_THREAD_BYTES + 2 * WORKER_RUNTIME_BYTES + largeBytes + 5 * MiB);
    expect(r.breakdown).toMatch(/^this process 100 MiB \+ running 32 MiB \+ 2 workers × 64 MiB \+ LoRA export: modules 3 × .* \+ Extract LoRA: factors 5 MiB$/);
    // Phases do not add up: one node runs at a time.
    expect(estimatePeakMemory({ workers: 2, phases: [large] }, 100 * MiB).bytes).toBe(r.bytes - 5 * MiB);
  });
});

describe('memory estimate: what the engine checks derive from a graph', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ls-memest-unit-'));
    await generateDemoFiles(dir);
  });

  async function breakdown(build: (g: GraphBuilder) => void): Promise<string> {
    const g = new GraphBuilder();
    build(g);
    const { memory } = await engineChecks(g.doc, NODE_REGISTRY, { paths: { baseDir: dir }, workers: 2, availableMemoryBytes: 2 ** 40 });
    return memory.breakdown ?? '';
  }

  const bake = (g: GraphBuilder, loras: string[], method?: string): void => {
    const m = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
    const b = g.node(T.bakeLoras, method ? { method } : {});
    const s = g.node(T.saveModel, { path: 'out/baked.safetensors' });
    g.edge(m, 'model', b, 'model');
    for (const f of loras) g.edge(g.node(T.loadLora, { path: f }), 'lora', b, 'loras');
    g.edge(b, 'model', s, 'model');
  };

  it('plain LoRAs summed into a model: the fused bake, no whole tensor', async () => {
    const text = await breakdown((g) => bake(g, ['style-lora.safetensors', 'character-lora.safetensors']));
    expect(text).toMatch(/Save Model: copy buffers 2 × 256 KiB = 512 KiB, fused bake 2 × /);
    expect(text).not.toMatch(/whole fp32/);
    // Load LoRA's scan reads both files on this thread.
    const files = statSync(path.join(dir, 'style-lora.safetensors')).size + statSync(path.join(dir, 'character-lora.safetensors')).size;
    expect(text).toMatch(new RegExp(`LoRA files scanned ${Math.ceil(files / 2 ** 10)} KiB$`));
  });

  it('a merge method: whole tensors with one τ per LoRA', async () => {
    expect(await breakdown((g) => bake(g, ['style-lora.safetensors', 'character-lora.safetensors'], 'ties'))).toMatch(/whole fp32 tensors \(merge-method\)/);
  });

  it('a New LoRA applied: the fused bake at its rank; a TIES-combined LoRA applied: whole tensors', async () => {
    const withNew = await breakdown((g) => {
      const m = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
      const n = g.node(T.newLora, { rank: 4 });
      const a = g.node(T.applyLora, {});
      const s = g.node(T.saveModel, { path: 'out/new.safetensors' });
      g.edge(m, 'model', n, 'model');
      g.edge(m, 'model', a, 'model');
      g.edge(n, 'lora', a, 'lora');
      g.edge(a, 'model', s, 'model');
    });
    expect(withNew).toMatch(/fused bake 2 ×/);
    expect(withNew).not.toMatch(/whole fp32/);
    const withCombined = await breakdown((g) => {
      const m = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
      const c = g.node(T.combineLoras, { method: 'ties', rank: 4 });
      g.edge(g.node(T.loadLora, { path: 'style-lora.safetensors' }), 'lora', c, 'loras');
      g.edge(g.node(T.loadLora, { path: 'character-lora.safetensors' }), 'lora', c, 'loras');
      const a = g.node(T.applyLora, {});
      const s = g.node(T.saveModel, { path: 'out/combined.safetensors' });
      g.edge(m, 'model', a, 'model');
      g.edge(c, 'lora', a, 'lora');
      g.edge(a, 'model', s, 'model');
    });
    expect(withCombined).toMatch(/whole fp32 tensors \(merge-method\)/);
  });

  it('Inspect of two LoRAs: their modules formed densely on the workers', async () => {
    const text = await breakdown((g) => {
      const i = g.node(T.inspect, {});
      g.edge(g.node(T.loadLora, { path: 'style-lora.safetensors' }), 'lora', i, 'loras');
      g.edge(g.node(T.loadLora, { path: 'character-lora.safetensors' }), 'lora', i, 'loras');
    });
    expect(text).toMatch(/Inspect \/ Probe: dense modules 3 × /);
  });

  it('Merge Models: whole tensors of both models', async () => {
    const text = await breakdown((g) => {
      const a = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
      const b = g.node(T.loadModel, { path: 'sd15-tiny-tuned.safetensors' });
      const m = g.node(T.mergeModels, {});
      const s = g.node(T.saveModel, { path: 'out/merged.safetensors' });
      g.edge(a, 'model', m, 'a');
      g.edge(b, 'model', m, 'b');
      g.edge(m, 'model', s, 'model');
    });
    expect(text).toMatch(/whole fp32 tensors \(merge-models\)/);
  });

  it('Extract LoRA then Save LoRA: the extraction phase or the export, and the factors held', async () => {
    const text = await breakdown((g) => {
      const a = g.node(T.loadModel, { path: 'sd15-tiny.safetensors' });
      const b = g.node(T.loadModel, { path: 'sd15-tiny-tuned.safetensors' });
      const x = g.node(T.extractLora, { rank: 4 });
      const s = g.node(T.saveLora, { path: 'out/extracted.safetensors' });
      g.edge(a, 'model', x, 'base');
      g.edge(b, 'model', x, 'tuned');
      g.edge(x, 'lora', s, 'lora');
    });
    expect(text).toMatch(/(Extract LoRA: weight pairs 2 ×|LoRA export: modules 2 ×)/);
    expect(text).toMatch(/Extract LoRA: factors \d+ (KiB|MiB)$/);
  });
});
