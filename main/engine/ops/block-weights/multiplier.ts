import { blockWeightFor, isWeightedBlock } from '../../../../shared/blocks/block-weight-layouts.js';
import { elementalOverride, type ElementalRule } from '../../../../shared/blocks/elemental.js';
import { isTextEncoderLabel } from '../../../../shared/blocks/labels.js';
import { EngineError } from '../../errors.js';
import type { ArchitectureFamily } from '../../naming/types.js';
import { schemeOf, type BlockWeightScheme } from './layouts.js';
import { parseBlockWeights, type BlockWeights } from './parse.js';

/** The factor a module's ΔW is multiplied by, from its block label (and, for Flux's IN/OUT slots and elemental rules, its name). */
export type BlockMultiplier = (blockLabel: string, moduleName?: string) => number;

export interface BlockMultiplierOptions {
  readonly family: ArchitectureFamily;
  /** A preset or "v1,v2,…" (parseBlockWeights), or parsed weights; absent: every block 1. */
  readonly weights?: string | BlockWeights;
  /** Strength of text-encoder modules (LBW / A1111 `te=`); default 1. */
  readonly te?: number;
  /** Strength of every other module: UNet, Flux transformer, LLM layers (LBW `unet=`); default 1. */
  readonly unet?: number;
  /** User presets, as parsePresetText returns them. */
  readonly presets?: Readonly<Record<string, string>>;
  /** LBW elemental rules (shared/blocks parseElementalRules): the last matching one replaces the block's value. */
  readonly elements?: readonly ElementalRule[];
}

/*
 * The block value comes from shared/blocks' blockWeightFor (LBW's rule: a numbered block the layout omits
 * gets 0, a module outside the numbered blocks keeps 1). Labels that are neither a numbered block nor one of
 * the family's "outside" labels are an error, so a label mismatch between key mapping and block weights
 * shows up at once instead of as a silent 1.
 */
const OUTSIDE_LABELS: Readonly<Record<BlockWeightScheme, readonly string[]>> = {
  sd: ['UNET', 'VAE', 'OTHER'],
  sdxl: ['UNET', 'VAE', 'OTHER'],
  flux: ['FLUX', 'VAE', 'OTHER'],
  llm: ['LM', 'VAE', 'OTHER'],
};

export function createBlockMultiplier(options: BlockMultiplierOptions): BlockMultiplier {
  const scheme = schemeOf(options.family);
  const te = checkStrength('te', options.te ?? 1);
  const unet = checkStrength('unet', options.unet ?? 1);
  const weights = typeof options.weights === 'string' ? parseBlockWeights(options.weights, options.family, options.presets) : options.weights;
  if (weights !== undefined && weights.family !== options.family) {
    throw new EngineError('block-weights-family', `Block weights parsed for ${weights.family} were given for a ${options.family} model.`);
  }
  const elements = options.elements ?? [];

  return (blockLabel, moduleName = '') => {
    const value = blockValue(scheme, weights, blockLabel, moduleName, options.family);
    const override = elements.length > 0 ? elementalOverride(elements, blockLabel, moduleName) : undefined;
    return (isTextEncoderLabel(blockLabel) ? te : unet) * (override ?? value);
  };
}

function blockValue(scheme: BlockWeightScheme, weights: BlockWeights | undefined, label: string, moduleName: string, family: ArchitectureFamily): number {
  if (scheme === 'llm') {
    const layer = /^L(\d{2,})$/.exec(label);
    if (layer === null) {
      if (OUTSIDE_LABELS.llm.includes(label)) return 1;
      throw unknownLabel(label, moduleName, family, 'L00, L01, …, LM, VAE, OTHER');
    }
    if (weights === undefined) return 1;
    const i = Number(layer[1]);
    if (i >= weights.values.length) {
      throw new EngineError(
        'block-weights-layer',
        `Module ${moduleName} is in layer ${label}, but the block weights "${weights.source}" give ${weights.values.length} layers (L00–L${String(weights.values.length - 1).padStart(2, '0')}).`,
        { module: moduleName || undefined, hint: 'Give one value per layer of the model.' },
      );
    }
    return weights.values[i]!;
  }
  const weighted = isWeightedBlock(scheme, label, moduleName);
  if (!weighted && !OUTSIDE_LABELS[scheme].includes(label)) throw unknownLabel(label, moduleName, family, knownLabels(scheme));
  if (weights === undefined) return 1;
  return blockWeightFor(weights.layoutId!, weights.values, label, moduleName);
}

function knownLabels(scheme: Exclude<BlockWeightScheme, 'llm'>): string {
  const numbered = scheme === 'flux' ? 'TE1, TE2, D00–D18, S00–S37' : scheme === 'sdxl' ? 'TE, TE1, TE2, IN00–IN08, MID, OUT00–OUT08' : 'TE, TE1, TE2, IN00–IN11, MID, OUT00–OUT11';
  return `${numbered}, ${OUTSIDE_LABELS[scheme].join(', ')}`;
}

function unknownLabel(label: string, moduleName: string, family: ArchitectureFamily, known: string): EngineError {
  return new EngineError('block-label-unknown', `Block label "${label}"${moduleName ? ` (module ${moduleName})` : ''} is not a ${family} block; known: ${known}.`, {
    module: moduleName || undefined,
    hint: 'Block labels come from key mapping (naming); see docs/block-weights.md.',
  });
}

function checkStrength(which: 'te' | 'unet', value: number): number {
  if (!Number.isFinite(value)) {
    throw new EngineError('block-weights-strength', `The ${which === 'te' ? 'text-encoder' : 'UNet'} strength ${String(value)} is not a number.`);
  }
  return value;
}
