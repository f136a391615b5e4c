/**
 * Real LoRA files (../shared/fixtures/real) onto full-size synthetic bases: the header of a real SD 1.5 /
 * DistilBERT checkpoint layout, written as a sparse file (zeros, no disk space), read back with the
 * engine's safetensors reader.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as T from '../../../main/engine/naming/architectures/index.js';
import { buildKeyMap } from '../../../main/engine/naming/key-map.js';
import { mapAdapter } from '../../../main/engine/naming/map-adapter.js';
import type { ModuleShape, NamedShape } from '../../../main/engine/naming/types.js';
import { SafetensorsFile } from '../../../main/engine/tensor-io/safetensors-file.js';
import { writeSparseBase } from '../../helpers/synthetic-base.js';
import { tempDir } from './disk.js';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const real = path.resolve(repoRoot, '../shared/fixtures/real');
const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function headerOf(file: string): Promise<NamedShape[]> {
  const st = await SafetensorsFile.open(file);
  try {
    return st.entries.map((e) => ({ name: e.name, shape: e.shape }));
  } finally {
    await st.close();
  }
}

async function sparseBase(name: string, specs: T.TensorSpec[]): Promise<NamedShape[]> {
  return headerOf(writeSparseBase(path.join(tmp.dir, `${name}.safetensors`), specs));
}

/** Pairs down/up tensors into modules the way the adapters area names them (suffix removed, dialect rewrites applied). */
function modulesOf(entries: NamedShape[], rewrite: (key: string) => { module: string; role: 'down' | 'up' } | undefined): ModuleShape[] {
  const parts = new Map<string, { down?: readonly number[]; up?: readonly number[] }>();
  for (const e of entries) {
    const r = rewrite(e.name);
    if (!r) continue;
    const p = parts.get(r.module) ?? {};
    p[r.role] = e.shape;
    parts.set(r.module, p);
  }
  return [...parts.entries()].map(([name, p]) => ({ name, deltaShape: [p.up?.[0] ?? 0, p.down?.[1] ?? 0] }));
}

describe.skipIf(!existsSync(path.join(real, 'sd15-diffusers-attnproc-lora.safetensors')))('real SD 1.5 attention-processor LoRA', () => {
  const file = path.join(real, 'sd15-diffusers-attnproc-lora.safetensors');
  const attnProc = /^(.+)\.processor\.(to_q|to_k|to_v|to_out)_lora\.(down|up)\.weight$/;
  const rewrite = (key: string): { module: string; role: 'down' | 'up' } | undefined => {
    const m = attnProc.exec(key);
    return m ? { module: `${m[1]!}.${m[2] === 'to_out' ? 'to_out.0' : m[2]!}`, role: m[3] as 'down' | 'up' } : undefined;
  };

  it.each([
    ['single-file LDM checkpoint', () => T.sd15Checkpoint(), 'model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_out.0.weight'],
    ['diffusers UNet', () => T.sd15DiffusersUnet(), 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0.weight'],
  ])('all 128 modules map onto a full-size SD 1.5 %s', async (name, specs, firstKey) => {
    const modules = modulesOf(await headerOf(file), rewrite);
    expect(modules).toHaveLength(128);
    expect(modules.map((m) => m.name)).toContain('down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0');
    const km = buildKeyMap(await sparseBase(name.replace(/\W+/g, '-'), specs()));
    expect(km.architecture.family).toBe('sd1');
    const report = mapAdapter(km, modules);
    expect(report.unmatched).toEqual([]);
    expect(report.matched).toHaveLength(128);
    expect(report.adapterArchitecture?.family).toBe('sd1');
    expect(report.matched.find((m) => m.module === 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0')?.target.baseKey).toBe(firstKey);
    // 16 transformer blocks × 2 attentions × 4 projections; IN01/02/04/05/07/08, MID, OUT03–OUT11
    expect(report.perBlock).toEqual([
      ...['IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08', 'MID', 'OUT03', 'OUT04', 'OUT05', 'OUT06', 'OUT07', 'OUT08', 'OUT09', 'OUT10', 'OUT11'].map((block) => ({ block, count: 8 })),
    ]);
    expect(report.overlaps).toEqual([]);
  });

  it('the same LoRA on an SDXL base is refused module by module, with the reason', async () => {
    const modules = modulesOf(await headerOf(file), rewrite);
    const km = buildKeyMap(await sparseBase('sdxl', T.sdxlCheckpoint()));
    const report = mapAdapter(km, modules);
    expect(report.matched).toEqual([]);
    expect(report.unmatched).toHaveLength(128);
    const note = /the adapter looks like SD 1\.x \(cross-attention input width 768.*\) but the base is SDXL \(.*cross-attention context width 2048\)$/;
    for (const u of report.unmatched) expect(u.reason).toMatch(note);
    const reason = (m: string): string => report.unmatched.find((u) => u.module === m)?.reason ?? '';
    // SDXL has no attention at its first level, 1280-wide attention where SD 1.5 has 640, no fourth up block …
    expect(reason('down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q')).toMatch(/^unknown spelling/);
    expect(reason('down_blocks.2.attentions.0.transformer_blocks.0.attn2.to_k')).toMatch(/^shape mismatch: ΔW \[1280, 768\] does not fit .*input_blocks\.7\.1\.transformer_blocks\.0\.attn2\.to_k\.weight \(needs \[1280, 2048\]/);
    expect(reason('up_blocks.3.attentions.0.transformer_blocks.0.attn1.to_q')).toMatch(/^up_blocks index 3 is out of range/);
    // … and where names and shapes happen to fit (640-wide self-attention), the pair is still refused.
    expect(reason('down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q')).toMatch(/^refused although model\.diffusion_model\.input_blocks\.4\.1\.transformer_blocks\.0\.attn1\.to_q\.weight would fit/);
    const lenient = mapAdapter(km, modules, { acceptArchitectureMismatch: true });
    expect(lenient.matched.length).toBeGreaterThan(0);
    expect(lenient.matched.length + lenient.unmatched.length).toBe(128);
  });
});

describe.skipIf(!existsSync(path.join(real, 'distilbert-peft-seqcls', 'adapter_model.safetensors')))('real DistilBERT PEFT adapter', () => {
  const file = path.join(real, 'distilbert-peft-seqcls', 'adapter_model.safetensors');
  const rewrite = (key: string): { module: string; role: 'down' | 'up' } | undefined => {
    const m = /^(.+)\.lora_(A|B)\.weight$/.exec(key);
    return m ? { module: m[1]!, role: m[2] === 'A' ? 'down' : 'up' } : undefined;
  };

  it.each([
    ['saved with the distilbert. prefix', 'distilbert.'],
    ['saved as a bare DistilBertModel', ''],
  ])('LoRA modules and the classification head map onto a base %s', async (_n, prefix) => {
    const entries = await headerOf(file);
    const lora = modulesOf(entries, rewrite);
    expect(lora).toHaveLength(12);
    // modules_to_save tensors ("base_model.model.classifier.weight") are full replacements of the head.
    const heads = entries.filter((e) => /^base_model\.model\.(pre_)?classifier\.weight$/.test(e.name)).map((e) => ({ name: e.name.slice(0, -'.weight'.length), deltaShape: e.shape }));
    expect(heads.map((h) => h.name).sort()).toEqual(['base_model.model.classifier', 'base_model.model.pre_classifier']);
    const km = buildKeyMap(await sparseBase(`distilbert-${prefix.length}`, T.distilbertTensors(T.DISTILBERT_BASE, { prefix, classifierLabels: 2 })));
    expect(km.architecture.family).toBe('distilbert');
    const report = mapAdapter(km, [...lora, ...heads]);
    expect(report.unmatched).toEqual([]);
    expect(report.matched.find((m) => m.module === 'base_model.model.distilbert.transformer.layer.0.attention.q_lin')?.target).toMatchObject({
      baseKey: `${prefix}transformer.layer.0.attention.q_lin.weight`,
      baseShape: [768, 768],
      transpose: false,
      biasKey: `${prefix}transformer.layer.0.attention.q_lin.bias`,
      block: 'L00',
    });
    expect(report.matched.find((m) => m.module === 'base_model.model.classifier')?.target).toMatchObject({ baseKey: 'classifier.weight', baseShape: [2, 768], biasKey: 'classifier.bias' });
    expect(report.perBlock).toEqual([...['L00', 'L01', 'L02', 'L03', 'L04', 'L05'].map((block) => ({ block, count: 2 })), { block: 'LM', count: 2 }]);
  });

  it('a base without the task head reports the head as missing, not as a spelling problem', async () => {
    const entries = await headerOf(file);
    const km = buildKeyMap(await sparseBase('distilbert-nohead', T.distilbertTensors(T.DISTILBERT_BASE, { prefix: 'distilbert.' })));
    const report = mapAdapter(km, [...modulesOf(entries, rewrite), { name: 'base_model.model.classifier', deltaShape: [2, 768] }]);
    expect(report.matched).toHaveLength(12);
    expect(report.unmatched).toEqual([{ module: 'base_model.model.classifier', reason: expect.stringMatching(/task head \("classifier"\)/) as unknown as string }]);
  });
});
