/**
 * `lora-studio resize` end to end on real files: LoRAs built with a chosen spectrum (up = U·diag(σ), down = Vᵀ),
 * so kohya's rules can be worked out by hand here: the chosen ranks, alpha' = (alpha/r)·k, the singular values
 * kept, the reconstruction against the best rank-k approximation (Eckart–Young) and the report's numbers.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAdapter } from '../../main/engine/adapters/load-adapter.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { writeSafetensors, type FixtureTensor } from '../helpers/safetensors.js';
import { spectrumFactors } from '../unit/ops/resize/spectrum-lora.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-resize-'));
const loraPath = path.join(dir, 'wide.safetensors');
const ALPHA = 4;
const RANK = 8;
// attn2.to_k reads 768 features (SD 1.x); the others are small.
const MODULES = [
  { name: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q', out: 24, in: 20, sigma: [8, 4, 2, 1, 0.5, 0.25, 0.1, 0.05] },
  { name: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k', out: 24, in: 768, sigma: [3, 2.9, 2.8, 0.1, 0.09, 0.08, 0.07, 0.06] },
  { name: 'lora_unet_mid_block_attentions_0_transformer_blocks_0_ff_net_2', out: 16, in: 40, sigma: [1, 1, 1, 1, 1, 1, 1, 1] },
];

beforeAll(() => {
  const tensors: FixtureTensor[] = [];
  MODULES.forEach((m, i) => {
    const f = spectrumFactors(m.out, m.in, m.sigma, 20 + i);
    tensors.push({ name: `${m.name}.lora_down.weight`, shape: [RANK, m.in], data: f.down });
    tensors.push({ name: `${m.name}.lora_up.weight`, shape: [m.out, RANK], data: f.up });
    tensors.push({ name: `${m.name}.alpha`, shape: [], data: [ALPHA] });
  });
  // A module already small enough stays as it is.
  const s = spectrumFactors(8, 8, [1, 0.5], 99);
  tensors.push({ name: 'lora_unet_up_blocks_1_attentions_0_proj_out.lora_down.weight', shape: [2, 8], data: s.down });
  tensors.push({ name: 'lora_unet_up_blocks_1_attentions_0_proj_out.lora_up.weight', shape: [8, 2], data: s.up });
  tensors.push({ name: 'lora_unet_up_blocks_1_attentions_0_proj_out.alpha', shape: [], data: [1] });
  writeSafetensors(loraPath, tensors);
});

/** ΔW of a module of a file, in float64: scale·up·down. */
async function delta(file: string, name: string): Promise<{ values: Float64Array; rank: number; alpha: number }> {
  const f = await SafetensorsFile.open(file);
  const up = await f.readFloat32(`${name}.lora_up.weight`);
  const down = await f.readFloat32(`${name}.lora_down.weight`);
  const alpha = (await f.readFloat32(`${name}.alpha`))[0]!;
  const r = f.get(`${name}.lora_down.weight`)!.shape[0]!;
  const out = up.length / r;
  const inF = down.length / r;
  await f.close();
  const values = new Float64Array(out * inF);
  for (let i = 0; i < out; i++) for (let k = 0; k < r; k++) for (let j = 0; j < inF; j++) values[i * inF + j]! += (alpha / r) * up[i * r + k]! * down[k * inF + j]!;
  return { values, rank: r, alpha };
}

describe('lora-studio resize', () => {
  it('truncates to a fixed rank: alpha/r kept, error = √(Σ dropped σ²) (the best rank-k approximation)', async () => {
    const out = path.join(dir, 'r4.safetensors');
    const res = await runCliProcess(['resize', '--lora', loraPath, '--rank', '4', '--out', out, '--dtype', 'fp32', '--quiet', '--no-hash']);
    expect(res.stderr).not.toMatch(/error/);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(out);
    const scale = ALPHA / RANK;
    for (const m of MODULES) {
      const before = await delta(loraPath, m.name);
      const after = await delta(out, m.name);
      expect([after.rank, after.alpha]).toEqual([4, scale * 4]);
      let err = 0;
      for (let i = 0; i < before.values.length; i++) err += (before.values[i]! - after.values[i]!) ** 2;
      const dropped = Math.hypot(...m.sigma.slice(4).map((s) => scale * s));
      expect(Math.sqrt(err)).toBeCloseTo(dropped, 4);
    }
    const kept = await delta(out, 'lora_unet_up_blocks_1_attentions_0_proj_out');
    const orig = await delta(loraPath, 'lora_unet_up_blocks_1_attentions_0_proj_out');
    expect([kept.rank, kept.alpha]).toEqual([2, 1]);
    expect(Array.from(kept.values)).toEqual(Array.from(orig.values));
    const f = await SafetensorsFile.open(out);
    expect(f.metadata).toMatchObject({ ss_network_dim: 'Dynamic', ss_base_model_version: 'sd_v1' });
    // One recipe shape: the graph the command ran.
    const recipe = JSON.parse(f.metadata['lora_studio.recipe']!) as { operation: string; params: { graph: { type: string; params: Record<string, unknown> }[] } };
    expect(recipe.operation).toBe('graph');
    expect(recipe.params.graph.find((n) => n.type === 'lora-studio/resize-rank')?.params).toMatchObject({ method: 'fixed', rank: 4 });
    await f.close();
  });

  it.each([
    // σ_i > σ_0/param: [8,4,2,…] with 4 → {8, 4}; [3,2.9,2.8,0.1…] → 3 values; flat → all 8, capped at 6.
    ['sv_ratio', '4', [2, 3, 6]],
    // smallest k with √(Σ_{i<k}σ²/Σσ²) ≥ 0.9: 64/85.325 = 0.75, 80/85.325 = 0.9376 ≥ 0.81 → 2; 25.25/25.3 → 3; 7/8 ≥ 0.81 → 7, capped 6.
    ['sv_fro', '0.9', [2, 3, 6]],
    // smallest k with Σ_{i<k}σ/Σσ ≥ 0.9: 15/15.9 = 0.943 → 4; 8.7/9.1 = 0.956 → 3; 8·0.9 → 8, capped 6.
    ['sv_cumulative', '0.9', [4, 3, 6]],
  ])('%s %s chooses the ranks kohya would, writes alpha = (alpha/r)·k, and reports the retained energy', async (method, param, ranks) => {
    const out = path.join(dir, `${method}.safetensors`);
    const res = await runCliProcess(['resize', '--lora', loraPath, '--dynamic', method, '--param', param, '--rank', '6', '--out', out, '--dtype', 'fp32', '--quiet', '--no-hash', '--json', '--verbose']);
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as { modules: { module: string; rank: number | null; alpha: number | null; froRetained: number | null; sumRetained: number | null; maxRatio: number | null; oldRank: number | null }[]; report: { sections: { kind: string }[] } };
    MODULES.forEach((m, i) => {
      const row = json.modules.find((r) => r.module === m.name)!;
      const k = ranks[i]!;
      expect({ module: m.name, rank: row.rank, oldRank: row.oldRank }).toEqual({ module: m.name, rank: k, oldRank: RANK });
      expect(row.alpha).toBeCloseTo((ALPHA / RANK) * k, 5);
      const total2 = m.sigma.reduce((a, s) => a + s * s, 0);
      const kept2 = m.sigma.slice(0, k).reduce((a, s) => a + s * s, 0);
      expect(row.froRetained).toBeCloseTo(100 * Math.sqrt(kept2 / total2), 3);
      expect(row.sumRetained).toBeCloseTo((100 * m.sigma.slice(0, k).reduce((a, b) => a + b, 0)) / m.sigma.reduce((a, b) => a + b, 0), 3);
      expect(row.maxRatio).toBeCloseTo(m.sigma[0]! / m.sigma[k - 1]!, 3);
    });
    expect(json.report.sections.map((s) => s.kind)).toEqual(['summary', 'table', 'spectra']);
    expect(res.stderr).toContain('Average Frobenius norm retention');
    expect(res.stderr).toMatch(/attn1_to_q +\| sum\(S\) retained/);
    const reloaded = await loadAdapter(out);
    expect(reloaded.modules.map((m) => m.rank).sort()).toEqual([...ranks, 2].sort());
    for (const m of reloaded.modules) expect(m.scale).toBeCloseTo(m.name.endsWith('proj_out') ? 0.5 : ALPHA / RANK, 6);
    await reloaded.source.close();
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
  });

  it('writes a PEFT directory with rank_pattern for the modules whose rank differs', async () => {
    const out = path.join(dir, 'peft-out');
    const res = await runCliProcess(['resize', '--lora', loraPath, '--dynamic', 'sv_ratio', '--param', '4', '--rank', '6', '--out', out, '--format', 'peft', '--quiet', '--no-hash']);
    expect(res.code).toBe(0);
    const a = await loadAdapter(out);
    expect(a.modules.map((m) => m.rank).sort()).toEqual([2, 2, 3, 6]);
    await a.source.close();
  });

  it('refuses bad flags with exit code 2 and writes nothing', async () => {
    const out = path.join(dir, 'bad.safetensors');
    for (const args of [['--rank', '0'], ['--dynamic', 'sv_magic', '--param', '1'], ['--param', '0.5'], ['--dynamic', 'sv_fro', '--param', '2'], ['--rank', 'x']]) {
      const res = await runCliProcess(['resize', '--lora', loraPath, '--out', out, ...args]);
      expect({ args, code: res.code }).toEqual({ args, code: 2 });
    }
    expect(existsSync(out)).toBe(false);
  });
});
