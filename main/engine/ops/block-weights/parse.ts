import { EngineError } from '../../errors.js';
import type { ArchitectureFamily } from '../../naming/types.js';
import { FIXED_LAYOUTS, describeLayouts, schemeOf, type BlockWeightScheme } from './layouts.js';
import { LBW_PRESETS, UNIFORM_PRESETS } from './presets.js';

export interface BlockWeights {
  readonly family: ArchitectureFamily;
  readonly scheme: BlockWeightScheme;
  /** What the user wrote: a preset name or the vector. */
  readonly source: string;
  /** Slot names of the layout the values were given in (the 17 of SD's short layout, L00… for LLMs). */
  readonly layout: readonly string[];
  /**
   * A value for every slot of the scheme's full layout (26 for SD, 20 for SDXL, 61 for Flux; for LLMs the
   * layers given). Slots the given layout lacks are 0, as LBW's to26 widens a short vector.
   */
  readonly slots: ReadonlyMap<string, number>;
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

function fromPreset(name: string, family: ArchitectureFamily, scheme: BlockWeightScheme, userNames: readonly string[]): BlockWeights {
  const values = LBW_PRESETS[name];
  if (values === undefined) {
    const known = [...Object.keys(LBW_PRESETS), ...userNames].join(', ');
    throw new EngineError('block-weights-unknown-preset', `Unknown block-weight preset "${name}". Presets: ${known}.`, {
      hint: `Or give the values:\n${describeLayouts(scheme)}`,
    });
  }
  if (scheme === 'sd' || (scheme === 'flux' && name === 'FLUXALL')) return fromValues([...values], family, scheme, name);
  const uniform = UNIFORM_PRESETS[name];
  if (scheme !== 'llm' && uniform !== undefined) {
    const full = FIXED_LAYOUTS[scheme][FIXED_LAYOUTS[scheme].length - 1];
    return fromValues(new Array<number>(full.length).fill(uniform), family, scheme, name);
  }
  throw new EngineError(
    'block-weights-preset-layout',
    `Preset ${name} is a LoRA Block Weight vector for SD 1.x/2.x${name === 'FLUXALL' ? ' (FLUXALL: Flux)' : ''}; it has no meaning for ${family} models.`,
    {
      hint:
        scheme === 'llm'
          ? `Give one value per layer: ${describeLayouts(scheme)}.`
          : `Use NONE, ALL or ALL0.5${scheme === 'flux' ? ', FLUXALL' : ''}, or give the values:\n${describeLayouts(scheme)}`,
    },
  );
}

function fromValues(values: readonly number[], family: ArchitectureFamily, scheme: BlockWeightScheme, source: string): BlockWeights {
  if (scheme === 'llm') {
    const layout = values.map((_, i) => `L${String(i).padStart(2, '0')}`);
    return { family, scheme, source, layout, slots: new Map(layout.map((slot, i) => [slot, values[i]])) };
  }
  const layouts = FIXED_LAYOUTS[scheme];
  const layout = layouts.find((l) => l.length === values.length);
  if (layout === undefined) {
    throw new EngineError(
      'block-weights-length',
      `Block weights "${source}" have ${values.length} values; ${family} takes ${layouts.map((l) => l.length).join(' or ')}:\n${describeLayouts(scheme)}`,
      { hint: 'Write one value per block, in the order above.' },
    );
  }
  const slots = new Map<string, number>(layouts[layouts.length - 1].map((slot) => [slot, 0]));
  layout.forEach((slot, i) => slots.set(slot, values[i]));
  return { family, scheme, source, layout, slots };
}
