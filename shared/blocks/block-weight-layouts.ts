/**
 * Block-weight vector layouts of hako-mikan's LoRA Block Weight (LBW), the convention people share
 * vectors in, and the one rule that turns a vector into a module's weight (blockWeightFor). Each slot names
 * the block labels (labels.ts) its value multiplies. Slot names are LBW's (BASE, M00, CLIP, T5 ...); block
 * labels are ours. The engine (main/engine/ops/block-weights) and the UI's node definitions both read these
 * tables: this file is the one source of truth.
 *
 * The rule follows LBW (scripts/lora_block_weight.py):
 * - a numbered block that the chosen layout has no slot for (IN00 in the 17-value SD1 layout) gets 0, as
 *   LBW's to26 widens a short vector with zeros: a short vector means "only these blocks";
 * - a tensor outside every numbered block ("UNET": time embedding, conv_out; Flux's other "FLUX" modules;
 *   "LM", "VAE", "OTHER") keeps 1, as LBW's ratiodealer starts from 1 and changes only matching blocks.
 * (sd-scripts' svd_merge_lora --lbws differs: it starts from 26 ones, so blocks a short vector omits keep 1.)
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

/** Which model family's numbering a layout is written in (SD 1.x/2.x, SDXL, Flux). */
export type BlockWeightScheme = 'sd' | 'sdxl' | 'flux';

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

/** The layouts of each scheme, the short one first and the full one (every numbered block) last. */
export const BLOCK_WEIGHT_SCHEME_LAYOUTS: Readonly<Record<BlockWeightScheme, readonly BlockWeightLayoutId[]>> = {
  sd: ['sd1-17', 'sd1-26'],
  sdxl: ['sdxl-12', 'sdxl-20'],
  flux: ['flux-61'],
};

export function blockWeightScheme(id: BlockWeightLayoutId): BlockWeightScheme {
  return id.startsWith('sdxl') ? 'sdxl' : id.startsWith('flux') ? 'flux' : 'sd';
}

/** The layout of `scheme` that has a slot for every numbered block. */
export function fullLayoutOf(scheme: BlockWeightScheme): BlockWeightLayoutId {
  const ids = BLOCK_WEIGHT_SCHEME_LAYOUTS[scheme];
  return ids[ids.length - 1]!;
}

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

/** Index of the slot of `layoutId` that covers a module of block `label`, or -1. */
export function blockWeightSlotIndex(layoutId: BlockWeightLayoutId, label: string, moduleName: string): number {
  const slots = BLOCK_WEIGHT_LAYOUTS[layoutId].slots;
  return slots.findIndex((s) => s.blocks.includes(label) && (!s.modulePattern || s.modulePattern.test(moduleName)));
}

/**
 * Whether a module of block `label` sits in one of the numbered blocks a vector of this scheme can weight
 * (a slot of the scheme's full layout covers it). Those a layout omits get 0; every other module keeps 1.
 */
export function isWeightedBlock(scheme: BlockWeightScheme, label: string, moduleName: string): boolean {
  return blockWeightSlotIndex(fullLayoutOf(scheme), label, moduleName) >= 0;
}

/**
 * The multiplier a vector gives a module of block `label` (module name used only by pattern slots):
 * its slot's value; 0 for a numbered block the layout has no slot for; 1 outside the numbered blocks
 * (see the file comment).
 */
export function blockWeightFor(layoutId: BlockWeightLayoutId, vector: readonly number[], label: string, moduleName: string): number {
  const layout = BLOCK_WEIGHT_LAYOUTS[layoutId];
  if (vector.length !== layout.slots.length) {
    throw new RangeError(`layout ${layoutId} takes ${layout.slots.length} values, got ${vector.length}`);
  }
  const i = blockWeightSlotIndex(layoutId, label, moduleName);
  if (i >= 0) return vector[i] ?? 0;
  return isWeightedBlock(blockWeightScheme(layoutId), label, moduleName) ? 0 : 1;
}
