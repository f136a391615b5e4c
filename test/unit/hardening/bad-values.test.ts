/**
 * Bad values in LoRA files: NaN / Inf in factors or alpha, products that overflow fp32, rank 0, alpha 0,
 * and an adapter_config.json that is not a readable file. Each is refused with the file and module named
 * (or, for alpha 0, a defined no-op), before any output exists.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdapterError } from '../../../main/engine/adapters/errors.js';
import { loadAdapter } from '../../../main/engine/adapters/index.js';
import { findNonFinite } from '../../../main/engine/adapters/non-finite.js';
import { loadLora } from '../../../main/engine/ops/load.js';
import { rnd, scalar, tmpDir, write } from '../adapters/helpers.js';

const root = tmpDir('bad-values');
const M = 'lora_unet_mid_block_attentions_0_proj_in';

function kohya(name: string, opts: { down?: readonly number[]; up?: readonly number[]; alpha?: number; downShape?: number[]; upShape?: number[] } = {}): string {
  const downShape = opts.downShape ?? [2, 4];
  const upShape = opts.upShape ?? [4, 2];
  const down = rnd(`${M}.lora_down.weight`, downShape);
  const up = rnd(`${M}.lora_up.weight`, upShape);
  if (opts.down) down.data.set(opts.down);
  if (opts.up) up.data.set(opts.up);
  return write(root, `${name}.safetensors`, [down, up, ...(opts.alpha !== undefined ? [scalar(`${M}.alpha`, opts.alpha)] : [])]);
}

async function refusal(p: Promise<unknown>): Promise<AdapterError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e, 'expected a refusal').toBeInstanceOf(AdapterError);
  return e as AdapterError;
}

describe('non-finite values', () => {
  for (const [label, opts, what] of [
    ['NaN in lora_down', { down: [Number.NaN] }, 'NaN'],
    ['+Inf in lora_up', { up: [0, Number.POSITIVE_INFINITY] }, 'Inf'],
    ['NaN alpha', { alpha: Number.NaN }, 'alpha'],
    ['-Inf alpha', { alpha: Number.NEGATIVE_INFINITY }, 'alpha'],
    ['factors whose product overflows fp32', { down: Array<number>(8).fill(1e30), up: Array<number>(8).fill(1e30) }, 'overflow'],
  ] as const) {
    it(`${label}: refused by default, naming file, module and what`, async () => {
      const file = kohya(label.replace(/\W+/g, '-'), opts);
      const e = await refusal(loadLora(file));
      expect(e.code).toBe('non-finite');
      expect(e.message).toContain(file);
      expect(e.message).toContain(M);
      expect(e.message).toContain(what);
      expect(e.hint).toMatch(/--allow-nonfinite/);
    });
  }

  it('allowNonFinite lets the file through on purpose', async () => {
    const v = await loadLora(kohya('nan-allowed', { down: [Number.NaN] }), undefined, { allowNonFinite: true });
    expect(v.modules.length).toBe(1);
  });

  it('findNonFinite lists what a file holds (what inspect reports)', async () => {
    const a = await loadAdapter(kohya('nan-listed', { down: [Number.NaN, Number.NaN], up: [Number.POSITIVE_INFINITY] }));
    try {
      const found = await findNonFinite(a);
      expect(found.map((f) => f.text)).toEqual([
        expect.stringMatching(new RegExp(`${M}.lora_down.weight.*2 NaN`)),
        expect.stringMatching(new RegExp(`${M}.lora_up.weight.*1 Inf`)),
      ]);
    } finally {
      await a.source.close();
    }
  });

  it('a finite file is accepted', async () => {
    expect((await loadLora(kohya('fine', { alpha: 1 }))).modules.length).toBe(1);
  });
});

describe('rank 0 and alpha 0', () => {
  it('rank 0: a clear error naming file and module', async () => {
    const file = kohya('rank0', { downShape: [0, 4], upShape: [4, 0] });
    const e = await refusal(loadAdapter(file));
    expect(e.code).toBe('rank-zero');
    expect(e.message).toContain(file);
    expect(e.message).toContain(M);
    expect(e.message).not.toMatch(/NaN/);
  });

  it('alpha 0: a defined no-op (scale 0), said in a note', async () => {
    const a = await loadAdapter(kohya('alpha0', { alpha: 0 }));
    try {
      expect(a.modules[0]!.scale).toBe(0);
      expect(a.notes.join('\n')).toMatch(/alpha 0.*change nothing/);
    } finally {
      await a.source.close();
    }
  });
});

describe('adapter_config.json that cannot be read', () => {
  function peftDir(name: string): string {
    const d = path.join(root, name);
    mkdirSync(d);
    write(d, 'adapter_model.safetensors', [
      rnd('base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight', [4, 8]),
      rnd('base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight', [8, 4]),
    ]);
    return d;
  }

  it('a directory named adapter_config.json is an error, not scale 1', async () => {
    const d = peftDir('config-dir');
    mkdirSync(path.join(d, 'adapter_config.json'));
    const e = await refusal(loadAdapter(d));
    expect(e.code).toBe('bad-config');
    expect(e.message).toContain('adapter_config.json');
    expect(e.message).toContain('is a directory');
  });

  it('a dangling link named adapter_config.json is an error', async () => {
    const d = peftDir('config-dangling');
    symlinkSync(path.join(d, 'nowhere.json'), path.join(d, 'adapter_config.json'));
    const e = await refusal(loadAdapter(d));
    expect(e.code).toBe('bad-config');
  });

  it('a config with NaN (Python json.dumps writes it) is an error', async () => {
    const d = peftDir('config-nan');
    writeFileSync(path.join(d, 'adapter_config.json'), '{"r": 4, "lora_alpha": NaN, "peft_type": "LORA"}');
    const e = await refusal(loadAdapter(d));
    expect(e.code).toBe('bad-config');
  });
});
