/**
 * `lora-studio extract` end to end: extract a LoRA from a tiny SD 1.5 base and a tuned copy (base + a known
 * low-rank ΔW on some weights), check the file (kohya names, alpha = rank, ss_* metadata, the JSON report),
 * then bake it back into the base with `lora-studio merge` and get the tuned weights back.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { writeSafetensors } from '../helpers/safetensors.js';
import { syntheticTensors } from '../helpers/synthetic-base.js';
import { spectrumFactors } from '../unit/ops/resize/spectrum-lora.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-extract-cli-'));
const basePath = path.join(dir, 'base.safetensors');
const tunedPath = path.join(dir, 'tuned.safetensors');
const CHANGED = [
  { kohya: 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_v', sigma: [0.5, 0.25] },
  { kohya: 'lora_unet_up_blocks_2_attentions_1_proj_out', sigma: [0.3, 0.2, 0.1] },
  { kohya: 'lora_te_text_model_encoder_layers_0_mlp_fc2', sigma: [0.8] },
];
const changedKeys: string[] = [];

beforeAll(() => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  const base = syntheticTensors(specs);
  const tuned = base.map((t) => ({ ...t, data: t.data instanceof Float32Array ? t.data.slice() : t.data }));
  const km = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape })));
  CHANGED.forEach((c, i) => {
    const m = km.modules.find((x) => x.kohyaName === c.kohya)!;
    const out = m.target.baseShape[0]!;
    const inFlat = m.target.baseShape.slice(1).reduce((a, b) => a * b, 1);
    const f = spectrumFactors(out, inFlat, c.sigma, 40 + i);
    const data = tuned.find((t) => t.name === m.target.baseKey)!.data as Float32Array;
    for (let o = 0; o < out; o++) for (let r = 0; r < f.rank; r++) for (let j = 0; j < inFlat; j++) data[o * inFlat + j]! += f.up[o * f.rank + r]! * f.down[r * inFlat + j]!;
    changedKeys.push(m.target.baseKey);
  });
  writeSafetensors(basePath, base);
  writeSafetensors(tunedPath, tuned);
});

async function floats(file: string, key: string): Promise<Float32Array> {
  const f = await SafetensorsFile.open(file);
  const v = await f.readFloat32(key);
  await f.close();
  return v;
}

describe('lora-studio extract', () => {
  it('extracts the changed modules (kohya names, alpha = rank), and merging it into the base gives the tuned model back', async () => {
    const out = path.join(dir, 'extracted.safetensors');
    const res = await runCliProcess(['extract', '--base', basePath, '--tuned', tunedPath, '--rank', '4', '--out', out, '--dtype', 'fp32', '--quiet', '--no-hash', '--json']);
    expect(res.stderr).not.toMatch(/error/);
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout) as { compared: number; skipped: { module: string; maxAbs: number }[]; modules: { module: string; rank: number; alpha: number; froRetained: number }[] };
    expect(json.modules.map((m) => m.module).sort()).toEqual(CHANGED.map((c) => c.kohya).sort());
    for (const m of json.modules) {
      expect(m.rank).toBe(4);
      expect(m.alpha).toBe(4);
      expect(m.froRetained).toBeCloseTo(100, 3);
    }
    expect(json.skipped.length).toBe(json.compared - CHANGED.length);
    expect(json.skipped.every((s) => s.maxAbs === 0)).toBe(true);
    const f = await SafetensorsFile.open(out);
    expect(f.metadata).toMatchObject({ ss_network_module: 'networks.lora', ss_network_dim: '4', ss_network_alpha: '4.0', ss_base_model_version: 'sd_v1' });
    expect(f.entries.map((e) => e.name)).toContain(`${CHANGED[1]!.kohya}.lora_down.weight`);
    expect(f.get(`${CHANGED[1]!.kohya}.lora_down.weight`)!.shape).toEqual([4, 16, 1, 1]);
    await f.close();

    const merged = path.join(dir, 'merged.safetensors');
    const m = await runCliProcess(['merge', '--base', basePath, '--lora', out, '--out', merged, '--quiet', '--no-hash']);
    expect(m.code).toBe(0);
    for (const key of changedKeys) {
      const want = await floats(tunedPath, key);
      const got = await floats(merged, key);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);
    }
  });

  it('fails with the tensor named when the tuned model has another shape, and writes nothing', async () => {
    const specs = sd15Checkpoint({ size: 'tiny' });
    const other = syntheticTensors(specs).map((t) => (t.name === changedKeys[0] ? { ...t, shape: [t.shape[0]! * 2, t.shape[1]! / 2], data: t.data } : t));
    const otherPath = writeSafetensors(path.join(dir, 'other.safetensors'), other);
    const out = path.join(dir, 'nope.safetensors');
    const res = await runCliProcess(['extract', '--base', basePath, '--tuned', otherPath, '--rank', '4', '--out', out, '--quiet', '--no-hash']);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(changedKeys[0]!);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses bad flags with exit code 2', async () => {
    for (const args of [['--rank', 'x'], ['--rank', '4', '--threshold', '-1'], ['--rank', '4', '--clamp-quantile', '2'], ['--dynamic', 'sv_cumulative', '--param', '2'], ['--param', '0.5']]) {
      const res = await runCliProcess(['extract', '--base', basePath, '--tuned', tunedPath, '--out', path.join(dir, 'bad.safetensors'), ...args]);
      expect({ args, code: res.code }).toEqual({ args, code: 2 });
    }
  });
});
