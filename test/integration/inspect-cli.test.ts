import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InspectionResult } from '../../shared/ipc/inspection.js';
import { inspectionResultSchema } from '../../shared/ipc/inspection.js';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { repoRoot, runCliProcess } from '../helpers/cli.js';
import { writeSafetensors } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const real = path.resolve(repoRoot, '../shared/fixtures/real');
const dir = mkdtempSync(path.join(tmpdir(), 'ls-inspect-'));

async function inspectJson(args: string[]): Promise<InspectionResult> {
  const res = await runCliProcess(['inspect', ...args, '--json']);
  expect(res.code, res.stderr).toBe(0);
  return inspectionResultSchema.parse(JSON.parse(res.stdout));
}

describe.skipIf(!existsSync(real))('lora-studio inspect on real files', () => {
  it('describes the SD 1.5 attention-processor LoRA with hashes', async () => {
    const r = await inspectJson([path.join(real, 'sd15-diffusers-attnproc-lora.safetensors'), '--hash']);
    expect(r.kind).toBe('lora');
    expect(r.lora?.dialects).toEqual(['diffusers-attnproc']);
    expect(r.lora?.moduleCount).toBe(128);
    expect(r.lora?.ranks).toEqual([{ rank: 4, count: 128 }]);
    expect(r.lora?.alphas).toEqual([{ alpha: null, count: 128 }]);
    expect(r.architecture.family).toBe('sd1');
    expect(r.hashes?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.hashes?.autoV2).toBe(r.hashes?.sha256.slice(0, 10));
    expect(r.metadata).toEqual({ format: 'pt' });
  });

  it('describes the DistilBERT PEFT directory with its config and modules_to_save', async () => {
    const r = await inspectJson([path.join(real, 'distilbert-peft-seqcls')]);
    expect(r.container).toBe('peft-directory');
    expect(r.architecture.family).toBe('distilbert');
    expect(r.lora?.kinds).toEqual(expect.arrayContaining([{ kind: 'lora', count: 12 }, { kind: 'replace', count: 2 }]));
    expect(r.lora?.peftConfig?.r).toBe(8);
    expect(r.lora?.modulesPerBlock.every((b) => b.block !== '?')).toBe(true);
  });
});

describe('lora-studio inspect', () => {
  it('describes a base checkpoint and maps a LoRA onto it', async () => {
    const base = writeSyntheticBase(path.join(dir, 'base.safetensors'), sd15Checkpoint({ size: 'tiny' }), { dtype: 'F16' });
    const m = await inspectJson([base]);
    expect(m.kind).toBe('model');
    expect(m.architecture).toMatchObject({ family: 'sd1', layout: 'ldm' });
    expect(m.tensorsPerBlock?.map((b) => b.block)).toEqual(expect.arrayContaining(['TE', 'IN01', 'MID', 'OUT11']));
    const lora = writeSafetensors(path.join(dir, 'l.safetensors'), [
      { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight', shape: [2, 8, 1, 1], data: new Float32Array(16) },
      { name: 'lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight', shape: [8, 2, 1, 1], data: new Float32Array(16) },
      { name: 'lora_unet_not_a_module.lora_down.weight', shape: [2, 8], data: new Float32Array(16) },
      { name: 'lora_unet_not_a_module.lora_up.weight', shape: [8, 2], data: new Float32Array(16) },
    ]);
    const r = await inspectJson([lora, '--base', base]);
    expect(r.mapping?.matched).toBe(1);
    expect(r.mapping?.unmatched.map((u) => u.module)).toEqual(['lora_unet_not_a_module']);
  });

  it('fails clearly on a missing file', async () => {
    const res = await runCliProcess(['inspect', path.join(dir, 'nope.safetensors')]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('nope.safetensors');
  });
});
