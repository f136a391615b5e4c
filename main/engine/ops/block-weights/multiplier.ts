import { EngineError } from '../../errors.js';
import type { ArchitectureFamily } from '../../naming/types.js';
import { FIXED_LAYOUTS, schemeOf, type BlockWeightScheme } from './layouts.js';
import { parseBlockWeights, type BlockWeights } from './parse.js';

/** The factor a module's ΔW is multiplied by, from its block label (and, for Flux's IN/OUT slots, its name). */
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
}

/*
 * Which slot multiplies which label (LBW ratiodealer): BASE covers every text encoder; a UNet module outside
 * the numbered blocks ("UNET": time embedding, conv_out, SDXL label_emb) matches no slot and keeps 1, as in
 * LBW, where a module no block name matches keeps ratio 1. Flux's "IN" and "OUT" slots share the "FLUX"
 * label and are told apart by module name as LBW's get_flux_blocks does (img_in, txt_in, time_in,
 * vector_in, guidance_in / final_layer), also in diffusers spelling.
 */
const TE_LABELS = ['TE', 'TE1', 'TE2'];
const OUTSIDE_ANY_BLOCK = ['VAE', 'OTHER'];
const FLUX_INPUT_SIDE = /(^|[._])(img_in|txt_in|time_in|vector_in|guidance_in|x_embedder|context_embedder|time_text_embed)([._]|$)/i;
const FLUX_OUTPUT_SIDE = /(^|[._])(final_layer|norm_out|proj_out)([._]|$)/i;

export function createBlockMultiplier(options: BlockMultiplierOptions): BlockMultiplier {
  const scheme = schemeOf(options.family);
  const te = checkStrength('te', options.te ?? 1);
  const unet = checkStrength('unet', options.unet ?? 1);
  const weights =
    typeof options.weights === 'string' ? parseBlockWeights(options.weights, options.family, options.presets) : options.weights;
  if (weights !== undefined && weights.family !== options.family) {
    throw new EngineError('block-weights-family', `Block weights parsed for ${weights.family} were given for a ${options.family} model.`);
  }
  const slot = (name: string): number => (weights === undefined ? 1 : (weights.slots.get(name) ?? 0));
  const fixed = labelFactors(scheme, te, unet, slot);

  return (blockLabel, moduleName) => {
    const factor = fixed.get(blockLabel);
    if (factor !== undefined) return factor;
    if (scheme === 'flux' && blockLabel === 'FLUX') {
      if (moduleName !== undefined && FLUX_INPUT_SIDE.test(moduleName)) return unet * slot('IN');
      if (moduleName !== undefined && FLUX_OUTPUT_SIDE.test(moduleName)) return unet * slot('OUT');
      return unet;
    }
    const layer = scheme === 'llm' ? /^L(\d{2,})$/.exec(blockLabel) : null;
    if (layer !== null) {
      if (weights === undefined) return unet;
      const value = weights.slots.get(blockLabel);
      if (value === undefined) {
        throw new EngineError(
          'block-weights-layer',
          `Module ${moduleName ?? ''} is in layer ${blockLabel}, but the block weights "${weights.source}" give ${weights.slots.size} layers (L00–L${String(weights.slots.size - 1).padStart(2, '0')}).`,
          { module: moduleName, hint: 'Give one value per layer of the model.' },
        );
      }
      return unet * value;
    }
    throw new EngineError(
      'block-label-unknown',
      `Block label "${blockLabel}"${moduleName ? ` (module ${moduleName})` : ''} is not a ${options.family} block; known: ${[...fixed.keys()].join(', ')}${scheme === 'flux' ? ', FLUX' : scheme === 'llm' ? ', L00, L01, …' : ''}.`,
      { module: moduleName, hint: 'Block labels come from key mapping (naming); see docs/block-weights.md.' },
    );
  };
}

function labelFactors(scheme: BlockWeightScheme, te: number, unet: number, slot: (name: string) => number): Map<string, number> {
  const factors = new Map<string, number>();
  if (scheme === 'llm') {
    factors.set('LM', unet);
  } else if (scheme === 'flux') {
    factors.set('TE1', te * slot('CLIP'));
    factors.set('TE2', te * slot('T5'));
    for (const name of FIXED_LAYOUTS.flux[0]) if (/^[DS]\d\d$/.test(name)) factors.set(name, unet * slot(name));
  } else {
    for (const label of TE_LABELS) factors.set(label, te * slot('BASE'));
    const full = FIXED_LAYOUTS[scheme][FIXED_LAYOUTS[scheme].length - 1];
    for (const name of full) if (name !== 'BASE') factors.set(name, unet * slot(name));
    factors.set('UNET', unet);
  }
  for (const label of OUTSIDE_ANY_BLOCK) factors.set(label, unet);
  return factors;
}

function checkStrength(which: 'te' | 'unet', value: number): number {
  if (!Number.isFinite(value)) {
    throw new EngineError('block-weights-strength', `The ${which === 'te' ? 'text-encoder' : 'UNet'} strength ${String(value)} is not a number.`);
  }
  return value;
}
