/**
 * `lora-studio merge --dtype fp16` whose base + strength·ΔW passes fp16's 65504: refused naming the tensor, with
 * no output and no temp file left; the same merge to fp32 writes the file, and --allow-nonfinite writes the
 * fp16 file with its overflowed values as +Inf.
 */
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sd15Checkpoint } from '../../main/engine/naming/architectures/stable-diffusion.js';
import { buildKeyMap } from '../../main/engine/naming/key-map.js';
import { SafetensorsFile } from '../../main/engine/tensor-io/safetensors-file.js';
import { runCliProcess } from '../helpers/cli.js';
import { writeSafetensors } from '../helpers/safetensors.js';
import { writeSyntheticBase } from '../helpers/synthetic-base.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ls-bake-overflow-cli-'));
const basePath = path.join(dir, 'base.safetensors');
const loraPath = path.join(dir, 'loud.safetensors');
const M = 'lora_unet_mid_block_attentions_0_proj_in';
let baseKey = '';

beforeAll(() => {
  const specs = sd15Checkpoint({ size: 'tiny' });
  writeSyntheticBase(basePath, specs);
  const m = buildKeyMap(specs.map((s) => ({ name: s.key, shape: s.shape }))).modules.find((x) => x.kohyaName === M);
  if (!m) throw new Error(`fixture: ${M} not in the tiny SD 1.5 template`);
  baseKey = m.target.baseKey;
  const shape = m.target.baseShape;
  const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
  // Rank 1, every ΔW value 300·300 = 90000: finite in fp32, beyond fp16's 65504.
  writeSafetensors(loraPath, [
    { name: `${M}.lora_down.weight`, shape: [1, ...shape.slice(1)], data: new Float32Array(inFlat).fill(300) },
    { name: `${M}.lora_up.weight`, shape: [shape[0]!, 1, ...shape.slice(2).map(() => 1)], data: new Float32Array(shape[0]!).fill(300) },
  ]);
});

describe('merge: overflow of the output dtype', () => {
  it('fp16 output is refused naming the tensor, and leaves no file; fp32 output is written', async () => {
    const out = path.join(dir, 'merged.safetensors');
    const refused = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', out, '--dtype', 'fp16', '--no-hash']);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain(baseKey);
    expect(refused.stderr).toMatch(/overflows F16/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('lora-studio-tmp'))).toEqual([]);
    const written = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', out, '--dtype', 'fp32', '--no-hash', '--quiet']);
    expect(written.code, written.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('--allow-nonfinite writes the fp16 output with the overflowed values as +Inf (on purpose)', async () => {
    const out = path.join(dir, 'inf.safetensors');
    const res = await runCliProcess(['merge', '--base', basePath, '--lora', loraPath, '--out', out, '--dtype', 'fp16', '--no-hash', '--quiet', '--allow-nonfinite']);
    expect(res.code, res.stderr).toBe(0);
    const file = await SafetensorsFile.open(out);
    const entry = file.entries.find((e) => e.name === baseKey)!;
    const bytes = await file.readBytes(baseKey);
    await file.close();
    expect(entry.dtype).toBe('F16');
    const words = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    expect(words.every((w) => w === 0x7c00)).toBe(true);
  });
});
