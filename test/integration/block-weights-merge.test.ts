/**
 * `lora-studio merge --block-weights` end to end: a kohya LoRA with modules in chosen blocks of a tiny SD 1.5
 * base, baked with an LBW vector and TE/UNet strengths. Each patched tensor is checked against
 * W' = W + strength·m(block)·(alpha/r)·up·down with m written out here from LBW's rules (17-value layout:
 * slot values; numbered blocks the 17 omit → 0; UNET tensors → 1; te/unet strengths multiply).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-bw-merge-'));
const basePath = path.join(dir, 'base.safetensors');
const loraPath = path.join(dir, 'lora.safetensors');
const RANK = 2;
const ALPHA = 1;

// LBW 17-value order: BASE, IN01, IN02, IN04, IN05, IN07, IN08, M00, OUT03…OUT11.
const VECTOR = [0.5, 1, 0.25, 2, 0, 0.75, 1.5, -1, 0.125, 1, 1, 1, 1, 1, 1, 1, 3];
const TE_STRENGTH = 0.5;
const UNET_STRENGTH = 2;
const SLOT: Record<string, number> = { IN01: 1, IN02: 2, IN04: 3, IN05: 4, IN07: 5, IN08: 6, MID: 7, OUT03: 8, OUT11: 16 };

/** The multiplier LBW gives a block, written out from its rules (not from our code). */
function expectedMultiplier(block: string): number {
  if (block === 'TE') return TE_STRENGTH * VECTOR[0]!;
  if (block === 'UNET') return UNET_STRENGTH;
  const slot = SLOT[block];
  return UNET_STRENGTH * (slot === undefined ? 0 : VECTOR[slot]!);
}

interface Patched {
  baseKey: string;
  block: string;
  out: number;
  inFlat: number;
  up: Float32Array;
  down: Float32Array;
}
const patched: Patched[] = [];

const PICK = [
  'lora_te_text_model_encoder_layers_0_self_attn_k_proj', // TE → te·BASE
  'lora_unet_conv_in', // IN00, a numbered block the 17 omit → 0
  'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', // IN01
  'lora_unet_down_blocks_0_downsamplers_0_conv', // IN03 → 0
  'lora_unet_down_blocks_1_attentions_0_proj_in', // IN04 (1×1 conv)
  'lora_unet_down_blocks_1_attentions_1_transformer_blocks_0_attn2_to_k', // IN05 = 0 in the vector
  'lora_unet_mid_block_attentions_0_transformer_blocks_0_attn1_to_q', // MID = −1
  'lora_unet_up_blocks_0_resnets_0_conv_shortcut', // OUT00 → 0
  'lora_unet_up_blocks_1_attentions_0_transformer_blocks_0_attn2_to_k', // OUT03 = 0.125
  'lora_unet_time_embedding_linear_1', // UNET → unet strength
];

beforeAll(() => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs);
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  const tensors: FixtureTensor[] = [];
  PICK.forEach((name, i) => {
    const m = km.modules.find((x) => x.kohyaName === name);
    if (!m) throw new Error(`fixture: ${name} not in the tiny SD 1.5 template`);
    const shape = m.target.baseShape;
    const out = shape[0]!;
    const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
    const down = randomValues(RANK * inFlat, 300 + i);
    const up = randomValues(out * RANK, 400 + i);
    tensors.push({ name: `${name}.lora_down.weight`, shape: [RANK, ...shape.slice(1)], data: down });
    tensors.push({ name: `${name}.lora_up.weight`, shape: [out, RANK, ...shape.slice(2).map(() => 1)], data: up });
    tensors.push({ name: `${name}.alpha`, shape: [], data: [ALPHA] });
    patched.push({ baseKey: m.target.baseKey, block: m.target.block, out, inFlat, up, down });
  });
  writeSafetensors(loraPath, tensors);
});

async function readFloats(file: string): Promise<Map<string, Float32Array>> {
  const f = await SafetensorsFile.open(file);
  const out = new Map<string, Float32Array>();
  for (const e of f.entries) if (e.dtype === 'F32') out.set(e.name, await f.readFloat32(e.name));
  await f.close();
  return out;
}

describe('lora-studio merge --block-weights', () => {
  it('zeroes, halves and scales each block as LBW says, times the TE / UNet strengths', async () => {
    const outPath = path.join(dir, 'weighted.safetensors');
    const strength = 0.8;
    const res = await runCliProcess([
      'merge', '--base', basePath, '--lora', `${loraPath}:${strength}`, '--out', outPath, '--quiet', '--no-hash',
      '--block-weights', VECTOR.join(','), '--te-strength', String(TE_STRENGTH), '--unet-strength', String(UNET_STRENGTH),
    ]);
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    const base = await readFloats(basePath);
    const merged = await readFloats(outPath);
    const blocksSeen = new Set<string>();
    for (const p of patched) {
      blocksSeen.add(p.block);
      const m = expectedMultiplier(p.block);
      const w = base.get(p.baseKey)!;
      const got = merged.get(p.baseKey)!;
      for (let o = 0; o < p.out; o++) {
        for (let i = 0; i < p.inFlat; i++) {
          let d = 0;
          for (let r = 0; r < RANK; r++) d += p.up[o * RANK + r]! * p.down[r * p.inFlat + i]!;
          const want = w[o * p.inFlat + i]! + strength * m * (ALPHA / RANK) * d;
          expect(Math.abs(got[o * p.inFlat + i]! - want)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want)));
        }
      }
      if (m === 0) expect(Buffer.compare(Buffer.from(got.buffer), Buffer.from(w.buffer))).toBe(0);
    }
    expect([...blocksSeen].sort()).toEqual(['IN00', 'IN01', 'IN03', 'IN04', 'IN05', 'MID', 'OUT00', 'OUT03', 'TE', 'UNET'].sort());
    const f = await SafetensorsFile.open(outPath);
    // One recipe shape: the graph the command ran, with its Block Weights node.
    const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as { params: { graph: { type: string; params: Record<string, unknown> }[] } };
    await f.close();
    expect(recipe.params.graph.find((n) => n.type === 'lora-studio/block-weights')?.params).toMatchObject({ preset: 'custom', weights: VECTOR, teStrength: TE_STRENGTH, unetStrength: UNET_STRENGTH });
  });

  it('ALL0.5 halves every named block and leaves the rest of the UNet at 1', async () => {
    const outPath = path.join(dir, 'half.safetensors');
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', outPath, '--quiet', '--no-hash', '--block-weights', 'all0.5']);
    expect(res.code).toBe(0);
    const base = await readFloats(basePath);
    const merged = await readFloats(outPath);
    const named = new Set(['TE', 'IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08', 'MID', 'OUT03', 'OUT11']);
    for (const p of patched) {
      const m = p.block === 'UNET' ? 1 : named.has(p.block) ? 0.5 : 0;
      const w = base.get(p.baseKey)!;
      const got = merged.get(p.baseKey)!;
      let d = 0;
      for (let r = 0; r < RANK; r++) d += p.up[r]! * p.down[r * p.inFlat]!;
      expect(got[0]).toBeCloseTo(w[0]! + m * (ALPHA / RANK) * d, 6);
    }
  });

  it('refuses a vector of the wrong length and a count of --block-weights that does not match --lora (usage errors)', async () => {
    const bad = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', path.join(dir, 'x.safetensors'), '--block-weights', '1,0,1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--block-weights 1,0,1');
    expect(bad.stderr).toContain('it takes 17, 26');
    const count = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--lora', loraPath, '--out', path.join(dir, 'y.safetensors'), '--block-weights', 'ALL', '--block-weights', 'INS', '--block-weights', 'OUTD']);
    expect(count.code).toBe(2);
    expect(count.stderr).toContain('--block-weights is given 3 times for 2 --lora');
  });
});
