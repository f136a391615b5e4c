/**
 * Block-weight vector layouts of hako-mikan's LoRA Block Weight (LBW), the convention people share
 * vectors in. Each slot names the block labels (labels.ts) its value multiplies. Slot names are LBW's
 * (BASE, M00, CLIP, T5 ...); block labels are ours.
 *
 * Blocks that no slot of the chosen layout covers (IN00 in the 17-value SD1 layout, "UNET" tensors such
 * as time embeddings) get 0, as sd-scripts' svd_merge_lora and supermerger do when they widen a short
 * vector: a short vector means "only these blocks".
 */
import { FLUX_DOUBLE_LABELS, FLUX_SINGLE_LABELS, FLUX_OTHER, MID_LABEL, TEXT_ENCODER_LABELS } from './labels.js';

export interface BlockWeightSlot {
  /** LBW's name for the slot. */
  readonly name: string;
  /** Block labels this slot's value applies to. */
  readonly blocks: readonly string[];
  /**
   * When set, the slot only covers modules of those blocks whose name matches (case-insensitive):
   * Flux's "IN" and "OUT" slots share the "FLUX" label and differ by position in the network.
   */
  readonly modulePattern?: RegExp;
}

export type BlockWeightLayoutId = 'sd1-17' | 'sd1-26' | 'sdxl-12' | 'sdxl-20' | 'flux-61';

export interface BlockWeightLayout {
  readonly id: BlockWeightLayoutId;
  readonly title: string;
  readonly slots: readonly BlockWeightSlot[];
}

const slot = (name: string, blocks: readonly string[] = [name]): BlockWeightSlot => ({ name, blocks });
const BASE = slot('BASE', TEXT_ENCODER_LABELS);
const M00 = slot('M00', [MID_LABEL]);
const labels = (prefix: 'IN' | 'OUT', indices: readonly number[]): BlockWeightSlot[] =>
  indices.map((i) => slot(`${prefix}${String(i).padStart(2, '0')}`));
const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Flux tensors outside the double/single blocks that sit before them (embedders of image, text, time, guidance). */
const FLUX_INPUT_SIDE = /(^|[._])(img_in|txt_in|time_in|vector_in|guidance_in|x_embedder|context_embedder|time_text_embed|pos_embed)([._]|$)/i;
const FLUX_OUTPUT_SIDE = /(^|[._])(final_layer|norm_out|proj_out)([._]|$)/i;

export const BLOCK_WEIGHT_LAYOUTS: Readonly<Record<BlockWeightLayoutId, BlockWeightLayout>> = {
  'sd1-17': {
    id: 'sd1-17',
    title: 'SD 1.x/2.x, 17 values (LoRA: blocks with attention)',
    slots: [BASE, ...labels('IN', [1, 2, 4, 5, 7, 8]), M00, ...labels('OUT', [3, 4, 5, 6, 7, 8, 9, 10, 11])],
  },
  'sd1-26': {
    id: 'sd1-26',
    title: 'SD 1.x/2.x, 26 values (LoCon / LyCORIS: every block)',
    slots: [BASE, ...labels('IN', upTo(12)), M00, ...labels('OUT', upTo(12))],
  },
  'sdxl-12': {
    id: 'sdxl-12',
    title: 'SDXL, 12 values (LoRA: blocks with attention)',
    slots: [BASE, ...labels('IN', [4, 5, 7, 8]), M00, ...labels('OUT', upTo(6))],
  },
  'sdxl-20': {
    id: 'sdxl-20',
    title: 'SDXL, 20 values (LoCon / LyCORIS: every block)',
    slots: [BASE, ...labels('IN', upTo(9)), M00, ...labels('OUT', upTo(9))],
  },
  'flux-61': {
    id: 'flux-61',
    title: 'Flux, 61 values (CLIP, T5, IN, 19 double, 38 single, OUT)',
    slots: [
      slot('CLIP', ['TE1']),
      slot('T5', ['TE2']),
      { name: 'IN', blocks: [FLUX_OTHER], modulePattern: FLUX_INPUT_SIDE },
      ...FLUX_DOUBLE_LABELS.map((l) => slot(l)),
      ...FLUX_SINGLE_LABELS.map((l) => slot(l)),
      { name: 'OUT', blocks: [FLUX_OTHER], modulePattern: FLUX_OUTPUT_SIDE },
    ],
  },
};

export const BLOCK_WEIGHT_LAYOUT_IDS = Object.keys(BLOCK_WEIGHT_LAYOUTS) as BlockWeightLayoutId[];

export function layoutLength(id: BlockWeightLayoutId): number {
  return BLOCK_WEIGHT_LAYOUTS[id].slots.length;
}

/** The layout a vector of this length is written in; 17/26 are SD1, 12/20 SDXL, 61 Flux. */
export function layoutForLength(length: number): BlockWeightLayoutId | undefined {
  return BLOCK_WEIGHT_LAYOUT_IDS.find((id) => layoutLength(id) === length);
}

export const BLOCK_WEIGHT_VECTOR_LENGTHS: readonly number[] = BLOCK_WEIGHT_LAYOUT_IDS.map(layoutLength);

/** Slot names of the layout a vector of this length uses (for labelling sliders), or undefined. */
export function blockWeightSlotNames(length: number): readonly string[] | undefined {
  const id = layoutForLength(length);
  return id ? BLOCK_WEIGHT_LAYOUTS[id].slots.map((s) => s.name) : undefined;
}

/**
 * The multiplier a vector gives a module of block `label` (module name used only by pattern slots).
 * Uncovered blocks get 0 (see the file comment).
 */
export function blockWeightFor(layoutId: BlockWeightLayoutId, vector: readonly number[], label: string, moduleName: string): number {
  const layout = BLOCK_WEIGHT_LAYOUTS[layoutId];
  if (vector.length !== layout.slots.length) {
    throw new RangeError(`layout ${layoutId} takes ${layout.slots.length} values, got ${vector.length}`);
  }
  for (let i = 0; i < layout.slots.length; i++) {
    const s = layout.slots[i];
    if (!s || !s.blocks.includes(label)) continue;
    if (s.modulePattern && !s.modulePattern.test(moduleName)) continue;
    return vector[i] ?? 0;
  }
  return 0;
}
