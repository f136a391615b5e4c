import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../../main/engine/errors.js';
import { createBlockMultiplier, parseBlockWeights, parsePresetText } from '../../../../main/engine/ops/block-weights/index.js';

function errorOf(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

const pad = (i: number): string => String(i).padStart(2, '0');
const SD_UNET = [...Array.from({ length: 12 }, (_, i) => `IN${pad(i)}`), 'MID', ...Array.from({ length: 12 }, (_, i) => `OUT${pad(i)}`)];
const SDXL_UNET = [...Array.from({ length: 9 }, (_, i) => `IN${pad(i)}`), 'MID', ...Array.from({ length: 9 }, (_, i) => `OUT${pad(i)}`)];

/** Labels whose multiplier is non-zero, for a preset applied to an SD 1.x LoRA. */
function blocksOn(preset: string): string[] {
  const m = createBlockMultiplier({ family: 'sd1', weights: preset });
  return ['TE', ...SD_UNET].filter((label) => m(label) !== 0);
}

describe('LBW presets on SD 1.x (17 values, BASE = text encoder)', () => {
  // Written from LBW's DEF_WEIGHT_PRESET by block name, not by position.
  it.each([
    ['NONE', []],
    ['ALL', ['TE', 'IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08', 'MID', 'OUT03', 'OUT04', 'OUT05', 'OUT06', 'OUT07', 'OUT08', 'OUT09', 'OUT10', 'OUT11']],
    ['INS', ['TE', 'IN01', 'IN02', 'IN04']],
    ['IND', ['TE', 'IN05', 'IN07', 'IN08']],
    ['INALL', ['TE', 'IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08']],
    ['MIDD', ['TE', 'IN05', 'IN07', 'IN08', 'MID', 'OUT03', 'OUT04', 'OUT05', 'OUT06']],
    ['OUTD', ['TE', 'OUT03', 'OUT04', 'OUT05', 'OUT06']],
    ['OUTS', ['TE', 'OUT07', 'OUT08', 'OUT09', 'OUT10', 'OUT11']],
    ['OUTALL', ['TE', 'OUT03', 'OUT04', 'OUT05', 'OUT06', 'OUT07', 'OUT08', 'OUT09', 'OUT10', 'OUT11']],
  ])('%s switches on exactly its blocks', (preset, on) => {
    expect(blocksOn(preset)).toEqual(on);
  });

  it('ALL0.5 halves the 17 blocks, leaves the 9 it does not name at 0, and UNET tensors at 1', () => {
    const m = createBlockMultiplier({ family: 'sd1', weights: 'ALL0.5' });
    expect(['TE', 'IN01', 'MID', 'OUT11'].map((l) => m(l))).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(['IN00', 'IN03', 'IN06', 'IN09', 'IN10', 'IN11', 'OUT00', 'OUT01', 'OUT02'].map((l) => m(l))).toEqual(new Array(9).fill(0));
    expect(m('UNET')).toBe(1);
  });

  it('reads preset names without regard to case', () => {
    expect(createBlockMultiplier({ family: 'sd2', weights: 'outd' })('OUT05')).toBe(1);
  });
});

describe('17 ↔ 26 values on SD 1.x/2.x', () => {
  const v17 = Array.from({ length: 17 }, (_, i) => (i + 1) / 8);
  const order17 = ['TE', 'IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08', 'MID', 'OUT03', 'OUT04', 'OUT05', 'OUT06', 'OUT07', 'OUT08', 'OUT09', 'OUT10', 'OUT11'];

  it('puts the 17 values on BASE, IN01, IN02, IN04, IN05, IN07, IN08, MID, OUT03–OUT11 and 0 elsewhere', () => {
    const m = createBlockMultiplier({ family: 'sd1', weights: v17.join(',') });
    expect(order17.map((l) => m(l))).toEqual(v17);
    expect(['IN00', 'IN03', 'IN06', 'IN09', 'IN10', 'IN11', 'OUT00', 'OUT01', 'OUT02'].map((l) => m(l))).toEqual(new Array(9).fill(0));
  });

  it('gives the same multipliers as the 26-value vector with zeros where the 17 have no slot', () => {
    const byLabel = new Map(order17.map((l, i) => [l, v17[i]]));
    const v26 = ['TE', ...SD_UNET].map((l) => byLabel.get(l) ?? 0);
    const short = createBlockMultiplier({ family: 'sd1', weights: v17.join(',') });
    const full = createBlockMultiplier({ family: 'sd1', weights: v26.join(', ') });
    for (const label of ['TE', ...SD_UNET, 'UNET']) expect(full(label)).toBe(short(label));
    expect(parseBlockWeights(v26.join(','), 'sd1').layout).toHaveLength(26);
  });
});

describe('SDXL (12 / 20 values)', () => {
  it('maps 12 values to BASE, IN04, IN05, IN07, IN08, MID, OUT00–OUT05; both text encoders take BASE', () => {
    const m = createBlockMultiplier({ family: 'sdxl', weights: '0.5,1,2,3,4,5,6,7,8,9,10,11', te: 2, unet: 0.5 });
    expect(['TE1', 'TE2'].map((l) => m(l))).toEqual([1, 1]);
    expect(['IN04', 'IN05', 'IN07', 'IN08', 'MID', 'OUT00', 'OUT01', 'OUT02', 'OUT03', 'OUT04', 'OUT05'].map((l) => m(l))).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((v) => v * 0.5),
    );
    expect(['IN00', 'IN01', 'IN02', 'IN03', 'IN06', 'OUT06', 'OUT07', 'OUT08'].map((l) => m(l))).toEqual(new Array(8).fill(0));
    expect(m('UNET')).toBe(0.5);
  });

  it('maps 20 values to every block, in order', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    const m = createBlockMultiplier({ family: 'sdxl', weights: values.join(',') });
    expect(['TE1', ...SDXL_UNET].map((l) => m(l))).toEqual(values);
  });

  it('refuses SD 1.x vectors and presets, accepts the uniform presets over all 20 blocks', () => {
    const e = errorOf(() => parseBlockWeights(new Array(17).fill(1).join(','), 'sdxl'));
    expect(e.code).toBe('block-weights-length');
    expect(e.message).toContain('12 values: BASE,IN04,IN05,IN07,IN08,M00,OUT00,OUT01,OUT02,OUT03,OUT04,OUT05');
    expect(e.message).toContain('20 values: BASE,IN00,IN01,IN02,IN03,IN04,IN05,IN06,IN07,IN08,M00,OUT00');
    expect(errorOf(() => parseBlockWeights('INS', 'sdxl')).code).toBe('block-weights-preset-layout');
    const all = createBlockMultiplier({ family: 'sdxl', weights: 'ALL' });
    expect(['TE1', 'TE2', ...SDXL_UNET].every((l) => all(l) === 1)).toBe(true);
    const none = createBlockMultiplier({ family: 'sdxl', weights: 'NONE' });
    expect(['TE1', ...SDXL_UNET].every((l) => none(l) === 0)).toBe(true);
  });

  it('refuses labels SDXL does not have', () => {
    const e = errorOf(() => createBlockMultiplier({ family: 'sdxl' })('IN09', 'lora_unet_input_blocks_9_0'));
    expect(e.code).toBe('block-label-unknown');
    expect(e.message).toContain('"IN09"');
    expect(e.message).toContain('IN08');
  });
});

describe('Flux (61 values: CLIP, T5, IN, D00–D18, S00–S37, OUT)', () => {
  const values = Array.from({ length: 61 }, (_, i) => i / 64);
  const m = createBlockMultiplier({ family: 'flux', weights: values.join(','), te: 0.5 });

  it('gives CLIP to TE1 and T5 to TE2, times the text-encoder strength', () => {
    expect(m('TE1')).toBe(0.5 * values[0]);
    expect(m('TE2')).toBe(0.5 * values[1]);
  });

  it('gives the double and single blocks their slots', () => {
    expect(m('D00')).toBe(values[3]);
    expect(m('D18')).toBe(values[21]);
    expect(m('S00')).toBe(values[22]);
    expect(m('S37')).toBe(values[59]);
  });

  it('tells IN from OUT among the other Flux modules by name, and leaves the rest at 1', () => {
    expect(m('FLUX', 'flux.img_in')).toBe(values[2]);
    expect(m('FLUX', 'flux.time_in.in_layer')).toBe(values[2]);
    expect(m('FLUX', 'transformer.context_embedder')).toBe(values[2]);
    expect(m('FLUX', 'flux.final_layer.linear')).toBe(values[60]);
    expect(m('FLUX', 'transformer.proj_out')).toBe(values[60]);
    expect(m('FLUX')).toBe(1);
  });

  it('accepts FLUXALL and the uniform presets; refuses the SD ones and other lengths', () => {
    expect(createBlockMultiplier({ family: 'flux', weights: 'FLUXALL' })('S12')).toBe(1);
    expect(createBlockMultiplier({ family: 'flux', weights: 'ALL0.5' })('FLUX', 'flux.img_in')).toBe(0.5);
    expect(errorOf(() => parseBlockWeights('MIDD', 'flux')).code).toBe('block-weights-preset-layout');
    const e = errorOf(() => parseBlockWeights('1,1,1', 'flux'));
    expect(e.code).toBe('block-weights-length');
    expect(e.message).toContain('61 values: CLIP,T5,IN,D00,');
  });
});

describe('strengths and the absence of a vector', () => {
  it('multiplies text-encoder modules by te and all others by unet', () => {
    const m = createBlockMultiplier({ family: 'sd1', weights: 'INS', te: 0.25, unet: 0.75 });
    expect(m('TE')).toBe(0.25);
    expect(m('IN01')).toBe(0.75);
    expect(m('IN05')).toBe(0);
    expect(m('UNET')).toBe(0.75);
  });

  it('without a vector gives every block its strength', () => {
    const m = createBlockMultiplier({ family: 'sd1', te: 0.5, unet: -1 });
    expect(m('TE')).toBe(0.5);
    expect(['IN00', 'MID', 'OUT11', 'UNET'].map((l) => m(l))).toEqual([-1, -1, -1, -1]);
  });

  it('refuses a non-finite strength', () => {
    expect(errorOf(() => createBlockMultiplier({ family: 'sd1', unet: NaN })).code).toBe('block-weights-strength');
  });
});

describe('LLMs: one value per layer', () => {
  it('maps values to L00, L01, … and leaves other LM tensors at the strength', () => {
    const m = createBlockMultiplier({ family: 'llama', weights: '1, 0.5, 0', unet: 2 });
    expect(['L00', 'L01', 'L02'].map((l) => m(l))).toEqual([2, 1, 0]);
    expect(m('LM')).toBe(2);
    const e = errorOf(() => m('L03', 'model.layers.3.mlp.up_proj'));
    expect(e.code).toBe('block-weights-layer');
    expect(e.message).toContain('model.layers.3.mlp.up_proj');
    expect(errorOf(() => parseBlockWeights('ALL', 'qwen2')).code).toBe('block-weights-preset-layout');
  });
});

describe('bad input', () => {
  it('lists the valid lengths and their block order for a wrong-length SD vector', () => {
    const e = errorOf(() => parseBlockWeights('1,0,1', 'sd1'));
    expect(e.code).toBe('block-weights-length');
    expect(e.message).toContain('3 values; sd1 takes 17 or 26');
    expect(e.message).toContain('17 values: BASE,IN01,IN02,IN04,IN05,IN07,IN08,M00,OUT03,OUT04,OUT05,OUT06,OUT07,OUT08,OUT09,OUT10,OUT11');
    expect(e.message).toContain('26 values: BASE,IN00,IN01,IN02,IN03,IN04,IN05,IN06,IN07,IN08,IN09,IN10,IN11,M00,OUT00,');
  });

  it('names the value that is not a number, and says that R/U/X are not supported', () => {
    const values = new Array<string>(17).fill('1');
    values[4] = 'abc';
    expect(errorOf(() => parseBlockWeights(values.join(','), 'sd1')).message).toContain('Block weight 5 of');
    values[4] = 'R';
    expect(errorOf(() => parseBlockWeights(values.join(','), 'sd1')).message).toContain('random R/U');
    values[4] = '';
    expect(errorOf(() => parseBlockWeights(values.join(','), 'sd1')).code).toBe('block-weights-bad-value');
  });

  it('lists the presets for an unknown name, refuses empty input and unsupported families', () => {
    const e = errorOf(() => parseBlockWeights('OUTDD', 'sd1'));
    expect(e.code).toBe('block-weights-unknown-preset');
    expect(e.message).toContain('NONE, ALL, INS, IND, INALL, MIDD, OUTD, OUTS, OUTALL, ALL0.5, FLUXALL');
    expect(errorOf(() => parseBlockWeights('  ', 'sd1')).code).toBe('block-weights-empty');
    expect(errorOf(() => parseBlockWeights('ALL', 'sd3')).code).toBe('block-weights-unsupported');
  });

  it('refuses labels outside the family', () => {
    const m = createBlockMultiplier({ family: 'sd1' });
    expect(errorOf(() => m('TE1x')).code).toBe('block-label-unknown');
    expect(errorOf(() => m('D03')).code).toBe('block-label-unknown');
  });
});

describe('user presets (lbwpresets.txt format)', () => {
  it('reads NAME:values lines, skips comments and malformed lines, and uses them before the built-ins', () => {
    const text = ['# my presets', 'MINE:1,0,0,0,0,0,0,1,0,0,0,0,0,0,0,0,1', 'not a preset line', 'ALL:0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0', ''].join('\n');
    const presets = parsePresetText(text);
    expect(Object.keys(presets)).toEqual(['MINE', 'ALL']);
    const mine = createBlockMultiplier({ family: 'sd1', weights: 'MINE', presets });
    expect(['TE', 'IN01', 'MID', 'OUT11'].map((l) => mine(l))).toEqual([1, 0, 1, 1]);
    expect(createBlockMultiplier({ family: 'sd1', weights: 'ALL', presets })('MID')).toBe(0);
  });
});

describe('elemental rules (shared/blocks) on top of the vector', () => {
  it('replace the block value of modules whose name has the element; strengths still multiply', async () => {
    const { parseElementalRules } = await import('../../../../shared/blocks/elemental.js');
    const r = parseElementalRules('IN05-OUT05:attn1:0\nMID::0.25');
    if (!r.ok) throw new Error(r.message);
    const m = createBlockMultiplier({ family: 'sd1', weights: 'ALL', unet: 2, elements: r.rules });
    expect(m('IN05', 'lora_unet_down_blocks_1_attentions_1_transformer_blocks_0_attn1_to_q')).toBe(0);
    expect(m('IN05', 'lora_unet_down_blocks_1_attentions_1_transformer_blocks_0_attn2_to_q')).toBe(2);
    expect(m('MID', 'lora_unet_mid_block_attentions_0_proj_in')).toBe(0.5);
    expect(m('IN01', 'lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q')).toBe(2);
  });
});

describe('weightLoraByBlocks', () => {
  it('multiplies each module’s strength by its block’s factor, taking the block from blockOf when given', async () => {
    const { weightLoraByBlocks } = await import('../../../../main/engine/ops/block-weights/index.js');
    const mod = (name: string, block: string | undefined) => ({
      name,
      block,
      kind: 'lora' as const,
      deltaShape: [4, 4],
      rank: 1,
      scale: 1,
      embedding: false,
      dora: false,
      strength: 0.5,
      source: { type: 'dense' as const, delta: new Float32Array(16) },
    });
    const lora = {
      kind: 'lora' as const,
      label: 'x',
      architecture: { family: 'sd1' as const, layout: 'ldm' as const, components: [], evidence: [] },
      modules: [mod('a', 'IN01'), mod('b', 'IN05'), mod('c', undefined)],
      inputs: [],
      unusedKeys: [],
    };
    const multiplier = createBlockMultiplier({ family: 'sd1', weights: 'INS' });
    const weighted = weightLoraByBlocks(lora, { multiplier, blockOf: (m) => m.block ?? 'UNET' });
    expect(weighted.modules.map((m) => m.strength)).toEqual([0.5, 0, 0.5]);
    expect(errorOf(() => weightLoraByBlocks(lora, { multiplier })).code).toBe('block-unknown');
  });
});
