import { describe, expect, it } from 'vitest';
import {
  BLOCK_WEIGHT_LAYOUTS,
  blockFamily,
  blockWeightFor,
  isWeightedBlock,
  blockWeightSlotNames,
  compareBlockLabels,
  elementalOverride,
  isBlockLabel,
  layoutForLength,
  lmLayerLabel,
  normalizeBlockLabel,
  parseBlockSelector,
  parseElementalRules,
  presetVector,
} from '../../../shared/blocks/index.js';

describe('block labels', () => {
  it('accepts the contract’s labels and nothing else', () => {
    for (const l of ['TE', 'TE1', 'TE2', 'IN00', 'IN11', 'MID', 'OUT00', 'OUT11', 'UNET', 'D00', 'D18', 'S00', 'S37', 'FLUX', 'L00', 'L79', 'L123', 'LM']) {
      expect(isBlockLabel(l), l).toBe(true);
    }
    for (const l of ['TE3', 'IN12', 'OUT12', 'D19', 'S38', 'L0', 'M00', 'in04', 'MID0', '']) expect(isBlockLabel(l), l).toBe(false);
    expect(lmLayerLabel(3)).toBe('L03');
    expect(lmLayerLabel(120)).toBe('L120');
    expect(() => lmLayerLabel(-1)).toThrow(RangeError);
  });

  it('sorts in network order within each family', () => {
    const shuffled = ['OUT02', 'UNET', 'MID', 'IN10', 'TE2', 'IN02', 'TE1', 'S01', 'D18', 'FLUX', 'L10', 'L02', 'LM'];
    expect([...shuffled].sort(compareBlockLabels)).toEqual(['TE1', 'TE2', 'IN02', 'IN10', 'MID', 'OUT02', 'UNET', 'D18', 'S01', 'FLUX', 'L02', 'L10', 'LM']);
  });

  it('normalises what people type, including LBW’s M00 and BASE', () => {
    expect(normalizeBlockLabel(' mid ')).toBe('MID');
    expect(normalizeBlockLabel('M00')).toBe('MID');
    expect(normalizeBlockLabel('in04')).toBe('IN04');
    expect(normalizeBlockLabel('nope')).toBeUndefined();
    expect(blockFamily('TE1')).toBe('text-encoder');
    expect(blockFamily('S04')).toBe('flux');
    expect(blockFamily('L04')).toBe('lm');
    expect(blockFamily('OUT04')).toBe('unet');
  });
});

describe('block selectors', () => {
  const matches = (sel: string, label: string): boolean => {
    const r = parseBlockSelector(sel);
    if (!r.ok) throw new Error(r.message);
    return r.matches(label);
  };

  it('matches single labels and inclusive ranges in canonical order', () => {
    expect(matches('IN04', 'IN04')).toBe(true);
    expect(matches('IN04', 'IN05')).toBe(false);
    expect(['IN03', 'IN04', 'MID', 'OUT05', 'OUT06'].map((l) => matches('IN04-OUT05', l))).toEqual([false, true, true, true, false]);
    expect(matches('D10-S02', 'S01')).toBe(true);
    expect(matches('D10-S02', 'D09')).toBe(false);
    expect(matches('L02-L10', 'L07')).toBe(true);
    expect(matches('L02-L10', 'L11')).toBe(false);
    expect(matches('BASE', 'TE2')).toBe(true);
    expect(matches('BASE', 'IN00')).toBe(false);
  });

  it('refuses malformed selectors with a reason', () => {
    for (const [sel, text] of [
      ['', 'empty'],
      ['IN99', 'not a block label'],
      ['OUT05-IN04', 'comes after'],
      ['IN04-D03', 'cannot span'],
      ['IN01-IN02-IN03', 'FIRST-LAST'],
    ] as const) {
      const r = parseBlockSelector(sel);
      expect(r.ok, sel).toBe(false);
      if (!r.ok) expect(r.message).toContain(text);
    }
  });
});

describe('block-weight layouts (LoRA Block Weight)', () => {
  it('have LBW’s lengths and slot names', () => {
    expect(blockWeightSlotNames(17)).toEqual(['BASE', 'IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08', 'M00', 'OUT03', 'OUT04', 'OUT05', 'OUT06', 'OUT07', 'OUT08', 'OUT09', 'OUT10', 'OUT11']);
    expect(blockWeightSlotNames(12)).toEqual(['BASE', 'IN04', 'IN05', 'IN07', 'IN08', 'M00', 'OUT00', 'OUT01', 'OUT02', 'OUT03', 'OUT04', 'OUT05']);
    expect(BLOCK_WEIGHT_LAYOUTS['sd1-26'].slots).toHaveLength(26);
    expect(BLOCK_WEIGHT_LAYOUTS['sdxl-20'].slots).toHaveLength(20);
    const flux = blockWeightSlotNames(61);
    expect(flux?.slice(0, 4)).toEqual(['CLIP', 'T5', 'IN', 'D00']);
    expect(flux?.[flux.length - 1]).toBe('OUT');
    expect(layoutForLength(20)).toBe('sdxl-20');
    expect(layoutForLength(18)).toBeUndefined();
  });

  it('gives each module its slot’s value, 0 for a numbered block the layout omits, 1 outside the numbered blocks (LBW)', () => {
    const v = Array.from({ length: 17 }, (_, i) => i / 16);
    expect(blockWeightFor('sd1-17', v, 'TE', 'lora_te_text_model_encoder_layers_0_mlp_fc1')).toBe(0);
    expect(blockWeightFor('sd1-17', v, 'IN01', 'x')).toBe(1 / 16);
    expect(blockWeightFor('sd1-17', v, 'MID', 'x')).toBe(7 / 16);
    expect(blockWeightFor('sd1-17', v, 'OUT11', 'x')).toBe(1);
    expect(blockWeightFor('sd1-17', v, 'IN00', 'x')).toBe(0);
    expect(blockWeightFor('sd1-17', v, 'UNET', 'time_embed')).toBe(1);
    expect(blockWeightFor('sd1-17', v, 'VAE', 'decoder.conv_in')).toBe(1);
    expect(() => blockWeightFor('sd1-17', [1, 2], 'IN01', 'x')).toThrow(RangeError);
  });

  it('widening a short vector with zeros gives the same weights as the full layout (LBW to26)', () => {
    const v12 = Array.from({ length: 12 }, (_, i) => (i + 1) / 16);
    const names12 = blockWeightSlotNames(12) ?? [];
    const v20 = (blockWeightSlotNames(20) ?? []).map((n) => {
      const i = names12.indexOf(n);
      return i < 0 ? 0 : v12[i]!;
    });
    for (const label of ['TE1', 'TE2', 'IN00', 'IN04', 'IN08', 'MID', 'OUT00', 'OUT05', 'OUT08', 'UNET']) {
      expect(blockWeightFor('sdxl-12', v12, label, 'm')).toBe(blockWeightFor('sdxl-20', v20, label, 'm'));
    }
    expect(isWeightedBlock('sdxl', 'OUT08', 'm')).toBe(true);
    expect(isWeightedBlock('sdxl', 'UNET', 'm')).toBe(false);
    expect(isWeightedBlock('flux', 'FLUX', 'lora_unet_img_in')).toBe(true);
    expect(isWeightedBlock('flux', 'FLUX', 'lora_unet_guidance_in_in_layer')).toBe(true);
    expect(blockWeightFor('flux-61', new Array<number>(61).fill(0), 'FLUX', 'lora_unet_time_in_out_layer')).toBe(0);
    expect(blockWeightFor('flux-61', new Array<number>(61).fill(0), 'FLUX', 'lora_unet_some_other_module')).toBe(1);
  });

  it('tells Flux’s IN and OUT slots apart by module position', () => {
    const v = new Array<number>(61).fill(0);
    v[2] = 0.25; // IN
    v[60] = 0.75; // OUT
    v[1] = 0.5; // T5
    expect(blockWeightFor('flux-61', v, 'FLUX', 'lora_unet_img_in')).toBe(0.25);
    expect(blockWeightFor('flux-61', v, 'FLUX', 'transformer.x_embedder')).toBe(0.25);
    expect(blockWeightFor('flux-61', v, 'FLUX', 'lora_unet_final_layer_linear')).toBe(0.75);
    expect(blockWeightFor('flux-61', v, 'TE2', 'lora_te2_encoder_block_0')).toBe(0.5);
  });
});

describe('block-weight presets', () => {
  it('are LBW’s 17-value vectors for SD1', () => {
    const r = presetVector('OUTD', 'sd1-17');
    expect(r).toEqual({ ok: true, vector: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0] });
    const mid = presetVector('MIDD', 'sd1-17');
    expect(mid.ok && mid.vector).toEqual([1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('widen to 26 values with 0 for the blocks the 17 do not name', () => {
    const r = presetVector('INALL', 'sd1-26');
    if (!r.ok) throw new Error(r.message);
    const names = blockWeightSlotNames(26) ?? [];
    const on = names.filter((_, i) => r.vector[i] === 1);
    expect(on).toEqual(['BASE', 'IN01', 'IN02', 'IN04', 'IN05', 'IN07', 'IN08']);
  });

  it('uniform presets fit every layout; SD1 ones refuse SDXL and Flux', () => {
    const all = presetVector('ALL0.5', 'flux-61');
    expect(all.ok && all.vector.every((x) => x === 0.5) && all.vector.length).toBe(61);
    const none = presetVector('NONE', 'sdxl-12');
    expect(none.ok && none.vector).toEqual(new Array(12).fill(0));
    const flux = presetVector('FLUXALL', 'flux-61');
    expect(flux.ok && flux.vector.every((x) => x === 1) && flux.vector.length).toBe(61);
    expect(presetVector('FLUXALL', 'sd1-17').ok).toBe(false);
    const bad = presetVector('OUTS', 'sdxl-20');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/SD 1\.x.*SDXL, 20 values/);
  });
});

describe('elemental rules', () => {
  it('parses BLOCKS:ELEMENTS:VALUE lines; later rules win', () => {
    const r = parseElementalRules('# deep attention off\nIN05-OUT05:attn:0\n\nMID:attn1,ff:0.5\n::2');
    if (!r.ok) throw new Error(r.message);
    expect(r.rules.map((x) => [x.line, x.blocks, x.elements, x.value])).toEqual([
      [2, ['IN05-OUT05'], ['attn'], 0],
      [4, ['MID'], ['attn1', 'ff'], 0.5],
      [5, [], [], 2],
    ]);
    const only = r.rules.slice(0, 2);
    expect(elementalOverride(only, 'IN07', 'input_blocks_7_1_transformer_blocks_0_attn2_to_k')).toBe(0);
    expect(elementalOverride(only, 'MID', 'middle_block_1_transformer_blocks_0_attn1_to_q')).toBe(0.5);
    expect(elementalOverride(only, 'IN04', 'input_blocks_4_1_attn1')).toBeUndefined();
    expect(elementalOverride(only, 'IN07', 'input_blocks_7_1_proj_in')).toBeUndefined();
    expect(elementalOverride(r.rules, 'IN04', 'anything')).toBe(2);
  });

  it('reports the line of a bad rule', () => {
    const cases: [string, number, string][] = [
      ['IN05:attn', 1, 'BLOCKS:ELEMENTS:VALUE'],
      ['\nIN05:attn:x', 2, 'not a number'],
      ['IN99::1', 1, 'not a block label'],
      ['::', 1, 'not a number'],
    ];
    for (const [text, line, msg] of cases) {
      const r = parseElementalRules(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) {
        expect(r.line).toBe(line);
        expect(r.message).toContain(msg);
      }
    }
  });
});
