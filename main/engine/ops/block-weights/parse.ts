import { BLOCK_WEIGHT_LAYOUTS, type BlockWeightLayoutId } from '../../../../shared/blocks/block-weight-layouts.js';
import { BLOCK_WEIGHT_PRESET_NAMES, isBlockWeightPresetName, presetVector } from '../../../../shared/blocks/block-weight-presets.js';
import { EngineError } from '../../errors.js';
import type { ArchitectureFamily } from '../../naming/types.js';
import { describeLayouts, layoutsOf, schemeOf, slotNames, type BlockWeightScheme } from './layouts.js';

export interface BlockWeights {
  readonly family: ArchitectureFamily;
  readonly scheme: BlockWeightScheme;
  /** What the user wrote: a preset name or the vector. */
  readonly source: string;
  /** The shared layout the values are written in; undefined for LLMs (one value per layer). */
  readonly layoutId: BlockWeightLayoutId | undefined;
  /** Slot names of that layout (BASE, IN01, …, M00, …), or L00, L01, … for LLMs. */
  readonly layout: readonly string[];
  /** One value per slot of `layout`. */
  readonly values: readonly number[];
}

/**
 * Parses `--block-weights`: a preset name (LBW's, or one of `presets`, written as in lbwpresets.txt) or
 * comma-separated values in one of the family's layouts.
 */
export function parseBlockWeights(spec: string, family: ArchitectureFamily, presets: Readonly<Record<string, string>> = {}): BlockWeights {
  const scheme = schemeOf(family);
  const text = spec.trim();
  if (text === '') {
    throw new EngineError('block-weights-empty', 'The block weights are empty.', { hint: `Give a preset name or values:\n${describeLayouts(scheme)}` });
  }
  const userPreset = presets[text];
  if (userPreset !== undefined) return fromValues(parseValues(userPreset, text), family, scheme, text);
  if (!text.includes(',') && !isNumber(text)) return fromPreset(text.toUpperCase(), family, scheme, Object.keys(presets));
  return fromValues(parseValues(text, text), family, scheme, text);
}

function isNumber(token: string): boolean {
  return token.trim() !== '' && Number.isFinite(Number(token));
}

function parseValues(text: string, source: string): number[] {
  return text.split(',').map((raw, i) => {
    const token = raw.trim();
    if (!isNumber(token)) {
      const special = /^(R|U|X.*)$/i.test(token) ? " (LBW's random R/U and inherited X values are not supported: write numbers)" : '';
      throw new EngineError('block-weights-bad-value', `Block weight ${i + 1} of "${source}" is "${token}", not a number${special}.`, {
        hint: 'Values are numbers separated by commas, e.g. 1,0,0,0,1,1,1,1,1,1,1,1,0,0,0,0,0.',
      });
    }
    return Number(token);
  });
}

/** LBW's presets are 17-value SD vectors (omitted blocks 0); on SDXL and Flux the uniform ones cover every slot. */
const PRESET_LAYOUT: Readonly<Record<Exclude<BlockWeightScheme, 'llm'>, BlockWeightLayoutId>> = { sd: 'sd1-17', sdxl: 'sdxl-20', flux: 'flux-61' };

function fromPreset(name: string, family: ArchitectureFamily, scheme: BlockWeightScheme, userNames: readonly string[]): BlockWeights {
  if (!isBlockWeightPresetName(name)) {
    const known = [...BLOCK_WEIGHT_PRESET_NAMES, ...userNames].join(', ');
    throw new EngineError('block-weights-unknown-preset', `Unknown block-weight preset "${name}". Presets: ${known}.`, {
      hint: `Or give the values:\n${describeLayouts(scheme)}`,
    });
  }
  if (scheme === 'llm') {
    throw new EngineError('block-weights-preset-layout', `Preset ${name} is a LoRA Block Weight vector for diffusion models; it has no meaning for ${family} models.`, {
      hint: `Give one value per layer: ${describeLayouts(scheme)}.`,
    });
  }
  const layoutId = PRESET_LAYOUT[scheme];
  const r = presetVector(name, layoutId);
  if (!r.ok) {
    throw new EngineError('block-weights-preset-layout', `Preset ${name}: ${r.message} (the model is ${family}).`, {
      hint: `Or give the values:\n${describeLayouts(scheme)}`,
    });
  }
  return { family, scheme, source: name, layoutId, layout: slotNames(layoutId), values: r.vector };
}

function fromValues(values: readonly number[], family: ArchitectureFamily, scheme: BlockWeightScheme, source: string): BlockWeights {
  if (scheme === 'llm') {
    const layout = values.map((_, i) => `L${String(i).padStart(2, '0')}`);
    return { family, scheme, source, layoutId: undefined, layout, values: [...values] };
  }
  const ids = layoutsOf(scheme);
  const layoutId = ids.find((id) => BLOCK_WEIGHT_LAYOUTS[id].slots.length === values.length);
  if (layoutId === undefined) {
    throw new EngineError(
      'block-weights-length',
      `Block weights "${source}" have ${values.length} values; ${family} takes ${ids.map((id) => BLOCK_WEIGHT_LAYOUTS[id].slots.length).join(' or ')}:\n${describeLayouts(scheme)}`,
      { hint: 'Write one value per block, in the order above.' },
    );
  }
  return { family, scheme, source, layoutId, layout: slotNames(layoutId), values: [...values] };
}
