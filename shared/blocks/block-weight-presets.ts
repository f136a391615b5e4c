/**
 * LoRA Block Weight's named presets, as data: DEF_WEIGHT_PRESET in hako-mikan/sd-webui-lora-block-weight
 * scripts/lora_block_weight.py (read at commit 04b986c). The SD ones are 17-value vectors in the order of
 * BLOCK_WEIGHT_LAYOUTS['sd1-17'] (BASE, IN01, IN02, IN04, IN05, IN07, IN08, M00, OUT03…OUT11); FLUXALL is
 * Flux's 61 ones. (An older lbwpresets.txt in that repository has BASE = 0 in IND…OUTALL; the script's
 * current list, reproduced here, has 1.)
 *
 * NONE, ALL and ALL0.5 mean the same in every layout (that value on every slot). The other SD presets are
 * defined for SD1's layouts only (in the 26-value layout the blocks the 17 do not name get 0, as LBW's
 * widening does); LBW has no SDXL presets and its SD numbering means other blocks on SDXL and Flux, so
 * asking for them there is an error, not a guess. FLUXALL is Flux's.
 */
import { BLOCK_WEIGHT_LAYOUTS, layoutLength, type BlockWeightLayoutId } from './block-weight-layouts.js';

export const BLOCK_WEIGHT_PRESET_NAMES = ['NONE', 'ALL', 'INS', 'IND', 'INALL', 'MIDD', 'OUTD', 'OUTS', 'OUTALL', 'ALL0.5', 'FLUXALL'] as const;
export type BlockWeightPresetName = (typeof BLOCK_WEIGHT_PRESET_NAMES)[number];

/** Presets that give every slot of any layout one value. */
export const UNIFORM_BLOCK_WEIGHT_PRESETS: Readonly<Partial<Record<BlockWeightPresetName, number>>> = { NONE: 0, ALL: 1, 'ALL0.5': 0.5 };

/** LBW's SD presets that are not uniform, as its 17 values. */
export const SD1_17_PRESETS: Readonly<Record<'INS' | 'IND' | 'INALL' | 'MIDD' | 'OUTD' | 'OUTS' | 'OUTALL', readonly number[]>> = {
  INS: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  IND: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  INALL: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  MIDD: [1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  OUTD: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  OUTS: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
  OUTALL: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
};

export function isBlockWeightPresetName(name: string): name is BlockWeightPresetName {
  return (BLOCK_WEIGHT_PRESET_NAMES as readonly string[]).includes(name);
}

export type PresetVectorResult = { ok: true; vector: number[] } | { ok: false; message: string };

/** The preset's values in `layoutId`, or why the preset has no meaning there. */
export function presetVector(name: BlockWeightPresetName, layoutId: BlockWeightLayoutId): PresetVectorResult {
  const uniform = UNIFORM_BLOCK_WEIGHT_PRESETS[name];
  if (uniform !== undefined) return { ok: true, vector: new Array<number>(layoutLength(layoutId)).fill(uniform) };
  if (name === 'FLUXALL') {
    if (layoutId === 'flux-61') return { ok: true, vector: new Array<number>(layoutLength(layoutId)).fill(1) };
    return { ok: false, message: `preset FLUXALL is defined for Flux's 61-value layout only; for ${BLOCK_WEIGHT_LAYOUTS[layoutId].title} use ALL` };
  }
  const v17 = SD1_17_PRESETS[name as keyof typeof SD1_17_PRESETS];
  if (layoutId === 'sd1-17') return { ok: true, vector: [...v17] };
  if (layoutId === 'sd1-26') {
    const from = BLOCK_WEIGHT_LAYOUTS['sd1-17'].slots.map((s) => s.name);
    const vector = BLOCK_WEIGHT_LAYOUTS['sd1-26'].slots.map((s) => {
      const i = from.indexOf(s.name);
      return i < 0 ? 0 : (v17[i] ?? 0);
    });
    return { ok: true, vector };
  }
  return {
    ok: false,
    message: `preset ${name} is defined for SD 1.x/2.x block layouts only; for ${BLOCK_WEIGHT_LAYOUTS[layoutId].title} use NONE, ALL, ALL0.5${layoutId === 'flux-61' ? ', FLUXALL' : ''} or a custom vector`,
  };
}
