import { BLOCK_WEIGHT_LAYOUTS, BLOCK_WEIGHT_SCHEME_LAYOUTS, type BlockWeightLayoutId, type BlockWeightScheme as FixedScheme } from '../../../../shared/blocks/block-weight-layouts.js';
import { EngineError } from '../../errors.js';
import type { ArchitectureFamily } from '../../naming/types.js';

/**
 * Which block-weight layouts a model family takes. The layouts themselves (slots, the labels each covers,
 * the LBW rule) are shared/blocks' tables: the engine and the UI read the same ones. LLMs have no LBW
 * layout: they take one value per layer (L00, L01, …).
 */
export type BlockWeightScheme = FixedScheme | 'llm';

const SCHEME_OF: Partial<Record<ArchitectureFamily, BlockWeightScheme>> = {
  sd1: 'sd',
  sd2: 'sd',
  sdxl: 'sdxl',
  flux: 'flux',
  llama: 'llm',
  mistral: 'llm',
  qwen2: 'llm',
  gpt2: 'llm',
  bert: 'llm',
  distilbert: 'llm',
};

export function schemeOf(family: ArchitectureFamily): BlockWeightScheme {
  const scheme = SCHEME_OF[family];
  if (scheme === undefined) {
    const supported = Object.keys(SCHEME_OF).join(', ');
    throw new EngineError('block-weights-unsupported', `Block weights are not defined for ${family} models (supported: ${supported}).`, {
      hint: 'LoRA Block Weight has layouts for SD 1.x/2.x, SDXL and Flux; LLMs take one value per layer.',
    });
  }
  return scheme;
}

/** The layouts of a fixed scheme, the full one (every slot) last. */
export function layoutsOf(scheme: FixedScheme): readonly BlockWeightLayoutId[] {
  return BLOCK_WEIGHT_SCHEME_LAYOUTS[scheme];
}

export function slotNames(id: BlockWeightLayoutId): string[] {
  return BLOCK_WEIGHT_LAYOUTS[id].slots.map((s) => s.name);
}

/** "17 values: BASE,IN01,…" lines for error messages and help. */
export function describeLayouts(scheme: BlockWeightScheme): string {
  if (scheme === 'llm') return 'one value per layer: L00,L01,… (as many as the model has layers, or fewer)';
  return layoutsOf(scheme)
    .map((id) => `${BLOCK_WEIGHT_LAYOUTS[id].slots.length} values: ${slotNames(id).join(',')}`)
    .join('\n');
}
