import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AdapterError, loadAdapter } from '../../../main/engine/adapters/index.js';
import type { FixtureTensor } from '../../helpers/safetensors.js';
import { rejection, rnd, scalar, tmpDir, write } from './helpers.js';

const dir = tmpDir('errors');

interface Case {
  what: string;
  tensors: FixtureTensor[];
  code: string;
  module?: string;
  tensor?: string;
  message: RegExp;
}

const K = 'lora_unet_down_blocks_0_attentions_0_proj_in';
const H = 'lora_unet_mid_block_attentions_0_proj_out';
const cases: Case[] = [
  { what: 'down without up', tensors: [rnd(`${K}.lora_down.weight`, [4, 8])], code: 'missing-factor', module: K, tensor: `${K}.lora_down.weight`, message: /down tensor .* but no up tensor/ },
  { what: 'up without down', tensors: [rnd(`${K}.lora_up.weight`, [8, 4])], code: 'missing-factor', module: K, message: /up tensor .* but no down tensor/ },
  { what: 'rank mismatch between down and up', tensors: [rnd(`${K}.lora_down.weight`, [4, 8]), rnd(`${K}.lora_up.weight`, [8, 3])], code: 'rank-mismatch', module: K, message: /rank 4 .* 3 columns/ },
  {
    what: 'a Tucker mid that does not fit',
    tensors: [rnd(`${K}.lora_down.weight`, [4, 8, 1, 1]), rnd(`${K}.lora_mid.weight`, [4, 2, 3, 3]), rnd(`${K}.lora_up.weight`, [8, 4, 1, 1])],
    code: 'rank-mismatch', module: K, tensor: `${K}.lora_mid.weight`, message: /must be \[4, 4, kh, kw\]/,
  },
  {
    what: 'a Tucker down with a kernel',
    tensors: [rnd(`${K}.lora_down.weight`, [4, 8, 3, 3]), rnd(`${K}.lora_mid.weight`, [4, 4, 3, 3]), rnd(`${K}.lora_up.weight`, [8, 4, 1, 1])],
    code: 'shape-mismatch', module: K, message: /must be \[r, in, 1, 1\]/,
  },
  { what: 'a conv up with a kernel', tensors: [rnd(`${K}.lora_down.weight`, [4, 8, 3, 3]), rnd(`${K}.lora_up.weight`, [8, 4, 3, 3])], code: 'shape-mismatch', module: K, message: /\[out, r, 1, 1\]/ },
  { what: 'alpha that is not a scalar', tensors: [rnd(`${K}.lora_down.weight`, [4, 8]), rnd(`${K}.lora_up.weight`, [8, 4]), rnd(`${K}.alpha`, [2])], code: 'bad-alpha', module: K, tensor: `${K}.alpha`, message: /not a scalar/ },
  { what: 'a bool alpha', tensors: [rnd(`${K}.lora_down.weight`, [4, 8]), rnd(`${K}.lora_up.weight`, [8, 4]), scalar(`${K}.alpha`, 1, 'BOOL')], code: 'bad-alpha', module: K, message: /BOOL, not a number/ },
  {
    what: 'integer LoRA weights',
    tensors: [{ name: `${K}.lora_down.weight`, shape: [1, 1], data: new Uint8Array(4), dtype: 'I32' }, rnd(`${K}.lora_up.weight`, [1, 1])],
    code: 'bad-dtype', module: K, tensor: `${K}.lora_down.weight`, message: /is I32/,
  },
  {
    what: 'the same parameter under two spellings',
    tensors: [rnd('model.q.lora_A.weight', [2, 4]), rnd('model.q.lora_A.default.weight', [2, 4]), rnd('model.q.lora_B.weight', [4, 2])],
    code: 'duplicate-param', module: 'model.q', message: /both "model\.q\.lora_A\.weight" and "model\.q\.lora_A\.default\.weight"/,
  },
  { what: 'LoRA and LoHa parameters in one module', tensors: [rnd(`${K}.lora_down.weight`, [4, 8]), rnd(`${K}.lora_up.weight`, [8, 4]), rnd(`${K}.hada_w1_a`, [8, 2])], code: 'mixed-kinds', module: K, message: /several kinds \(lora, loha\)/ },
  { what: 'LoHa without hada_w2_b', tensors: [rnd(`${H}.hada_w1_a`, [4, 2]), rnd(`${H}.hada_w1_b`, [2, 4]), rnd(`${H}.hada_w2_a`, [4, 2])], code: 'missing-factor', module: H, message: /without its hada_w2_b/ },
  {
    what: 'Tucker LoHa with t1 only',
    tensors: [rnd(`${H}.hada_w1_a`, [2, 4]), rnd(`${H}.hada_w1_b`, [2, 4]), rnd(`${H}.hada_w2_a`, [2, 4]), rnd(`${H}.hada_w2_b`, [2, 4]), rnd(`${H}.hada_t1`, [2, 2, 3, 3])],
    code: 'missing-factor', module: H, message: /hada_t1 but not hada_t2/,
  },
  {
    what: 'LoHa halves of different shapes',
    tensors: [rnd(`${H}.hada_w1_a`, [4, 2]), rnd(`${H}.hada_w1_b`, [2, 4]), rnd(`${H}.hada_w2_a`, [5, 2]), rnd(`${H}.hada_w2_b`, [2, 4])],
    code: 'shape-mismatch', module: H, message: /Hadamard product needs equal shapes/,
  },
  { what: 'LoKr without w2', tensors: [rnd(`${H}.lokr_w1`, [2, 2])], code: 'missing-factor', module: H, message: /without lokr_w2/ },
  { what: 'LoKr with both w1 and w1_a', tensors: [rnd(`${H}.lokr_w1`, [2, 2]), rnd(`${H}.lokr_w1_a`, [2, 1]), rnd(`${H}.lokr_w2`, [2, 2])], code: 'mixed-kinds', module: H, message: /both lokr_w1 and lokr_w1_a/ },
  { what: 'an embedding A without B', tensors: [rnd('base_model.model.embed.lora_embedding_A', [2, 10])], code: 'missing-factor', module: 'base_model.model.embed', message: /lora_embedding_A .* not its partner/ },
  {
    what: 'a dora_scale that fits neither axis',
    tensors: [rnd(`${K}.lora_down.weight`, [2, 8]), rnd(`${K}.lora_up.weight`, [6, 2]), rnd(`${K}.dora_scale`, [1, 5])],
    code: 'shape-mismatch', module: K, tensor: `${K}.dora_scale`, message: /\[6, 1, …\] \(per output\) or \[1, 8, …\]/,
  },
  {
    what: 'a lora_magnitude_vector of the wrong length',
    tensors: [rnd('m.fc.lora_A.weight', [2, 8]), rnd('m.fc.lora_B.weight', [6, 2]), rnd('m.fc.lora_magnitude_vector', [8])],
    code: 'shape-mismatch', module: 'm.fc', message: /one value per output row \(6\)/,
  },
  { what: 'a file with no LoRA tensors', tensors: [rnd('model.diffusion_model.input_blocks.0.0.weight', [4, 4]), rnd('model.diffusion_model.input_blocks.0.0.bias', [4])], code: 'no-modules', message: /no LoRA modules found among 2 tensors/ },
  {
    what: 'an unparsable lora_adapter_metadata',
    tensors: [rnd('transformer.a.lora_A.weight', [2, 4]), rnd('transformer.a.lora_B.weight', [4, 2])],
    code: 'bad-config', message: /cannot parse the embedded LoRA config/,
  },
];

describe('bad LoRA files raise an error that names the file and the module or tensor', () => {
  for (const [i, c] of cases.entries()) {
    it(c.what, async () => {
      const file = write(dir, `case-${i}.safetensors`, c.tensors, c.code === 'bad-config' ? { lora_adapter_metadata: '{not json' } : undefined);
      const err = await rejection(() => loadAdapter(file));
      expect(err).toBeInstanceOf(AdapterError);
      expect(err.code).toBe(c.code);
      expect(err.message).toContain(file);
      expect(err.message).toMatch(c.message);
      if (c.module !== undefined) {
        expect(err.module).toBe(c.module);
        expect(err.message).toContain(`module "${c.module}"`);
      }
      if (c.tensor !== undefined) expect(err.tensor).toBe(c.tensor);
    });
  }
});

describe('bad inputs around the file', () => {
  const good = [rnd('base_model.model.fc.lora_A.weight', [2, 4]), rnd('base_model.model.fc.lora_B.weight', [4, 2])];
  const peft = (name: string, config: string): string => {
    const d = path.join(dir, name);
    mkdirSync(d, { recursive: true });
    write(d, 'adapter_model.safetensors', good);
    writeFileSync(path.join(d, 'adapter_config.json'), config);
    return d;
  };

  it('a missing path', async () => {
    const err = await rejection(() => loadAdapter(path.join(dir, 'nope.safetensors')));
    expect(err).toMatchObject({ code: 'not-found', file: path.join(dir, 'nope.safetensors') });
  });

  it('pickle files and PEFT directories holding only adapter_model.bin are refused with the conversion hint', async () => {
    const bin = path.join(dir, 'lora.bin');
    writeFileSync(bin, 'not opened');
    const err = await rejection(() => loadAdapter(bin));
    expect(err).toMatchObject({ code: 'pickle-format', file: bin });
    expect((err as AdapterError).hint).toMatch(/safetensors/);
    const d = path.join(dir, 'pickled-peft');
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'adapter_model.bin'), 'x');
    expect(await rejection(() => loadAdapter(d))).toMatchObject({ code: 'pickle-format' });
  });

  it('an adapter_config.json that is not JSON, or has a bad field, names the config file and field', async () => {
    const d1 = peft('bad-json', '{"r": 4,');
    const e1 = await rejection(() => loadAdapter(d1));
    expect(e1.code).toBe('bad-config');
    expect(e1.message).toContain(path.join(d1, 'adapter_config.json'));
    const d2 = peft('bad-r', JSON.stringify({ r: -2, lora_alpha: 8 }));
    const e2 = await rejection(() => loadAdapter(d2));
    expect(e2.code).toBe('bad-config');
    expect(e2.message).toMatch(/field "r"/);
  });

  it('an unsupported PEFT type and a pattern that is not a regular expression', async () => {
    const e1 = await rejection(() => loadAdapter(peft('adalora', JSON.stringify({ peft_type: 'ADALORA', r: 2, lora_alpha: 2 }))));
    expect(e1).toMatchObject({ code: 'unsupported' });
    expect(e1.message).toMatch(/"ADALORA" is not supported/);
    const e2 = await rejection(() => loadAdapter(peft('bad-regex', JSON.stringify({ r: 2, lora_alpha: 2, rank_pattern: { 'fc(': 2 } }))));
    expect(e2).toMatchObject({ code: 'bad-config' });
    expect(e2.message).toMatch(/"fc\(" is not a valid regular expression/);
  });

  it('a directory without adapter weights', async () => {
    const d = path.join(dir, 'empty-dir');
    mkdirSync(d, { recursive: true });
    expect(await rejection(() => loadAdapter(d))).toMatchObject({ code: 'not-found', file: d });
  });
});

describe('LyCORIS variants that would be silently wrong are refused', () => {
  it('wd_for_diff DoRA', async () => {
    const file = write(dir, 'wd-for-diff.safetensors', [
      rnd(`${K}.lora_down.weight`, [2, 8]), rnd(`${K}.lora_up.weight`, [6, 2]), rnd(`${K}.dora_scale`, [6, 1]), scalar(`${K}.wd_for_diff`, 1, 'BOOL'),
    ]);
    const err = await rejection(() => loadAdapter(file));
    expect(err).toMatchObject({ code: 'unsupported', module: K, tensor: `${K}.wd_for_diff` });
  });
});
