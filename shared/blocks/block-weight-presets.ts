/**
 * LoRA Block Weight's named presets. NONE, ALL and ALL0.5 mean the same in every layout; the others are
 * LBW's 17-value SD1 vectors and are defined for SD1's layouts only (in the 26-value layout the blocks the
 * 17 do not name get 0, as LBW's widening does). They make no sense for SDXL or Flux, whose block
 * numbering differs, so asking for them there is an error, not a guess.
 */
import { BLOCK_WEIGHT_LAYOUTS, layoutLength, type BlockWeightLayoutId } from './block-weight-layouts.js';

export const BLOCK_WEIGHT_PRESET_NAMES = ['NONE', 'ALL', 'INS', 'IND', 'INALL', 'MIDD', 'OUTD', 'OUTS', 'OUTALL', 'ALL0.5'] as const;
export type BlockWeightPresetName = (typeof BLOCK_WEIGHT_PRESET_NAMES)[number];

const UNIFORM: Partial<Record<BlockWeightPresetName, number>> = { NONE: 0, ALL: 1, 'ALL0.5': 0.5 };

// Order: BASE, IN01, IN02, IN04, IN05, IN07, IN08, M00, OUT03 .. OUT11 (BLOCK_WEIGHT_LAYOUTS['sd1-17']).
const SD1_17: Readonly<Record<Exclude<BlockWeightPresetName, 'NONE' | 'ALL' | 'ALL0.5'>, readonly number[]>> = {
  INS: [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  IND: [1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  INALL: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  MIDD: [1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  OUTD: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0],
  OUTS: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
  OUTALL: [1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
};

export type PresetVectorResult = { ok: true; vector: number[] } | { ok: false; message: string };

export function presetVector(name: BlockWeightPresetName, layoutId: BlockWeightLayoutId): PresetVectorResult {
  const uniform = UNIFORM[name];
  if (uniform !== undefined) return { ok: true, vector: new Array<number>(layoutLength(layoutId)).fill(uniform) };
  const v17 = SD1_17[name as keyof typeof SD1_17];
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
    message: `preset ${name} is defined for SD 1.x/2.x block layouts only; for ${BLOCK_WEIGHT_LAYOUTS[layoutId].title} use NONE, ALL, ALL0.5 or a custom vector`,
  };
}
