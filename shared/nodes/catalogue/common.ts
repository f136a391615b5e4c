/** Params and filters several node definitions share, so they read and validate the same everywhere. */
import { parseBlockSelector } from '../../blocks/labels.js';
import { MAJORITY_SIGNS, MERGE_OPTION_DEFAULTS } from '../../merge-methods.js';
import { param } from '../params/index.js';
import type { FileFilter } from '../params/widgets.js';
import { patternProblem } from '../patterns.js';

export const SAFETENSORS: FileFilter = { name: 'safetensors', extensions: ['safetensors'] };
export const SHARD_INDEX: FileFilter = { name: 'Sharded checkpoint index', extensions: ['json'] };
export const JSON_FILES: FileFilter = { name: 'JSON', extensions: ['json'] };

export const strength = (label: string, description: string, inline = true) =>
  param.slider({ label, description, default: 1, min: -2, max: 2, step: 0.05, hardMin: -100, hardMax: 100, inline });

export const rank = (description: string, extra: { default?: number; showIf?: { param: string; oneOf: readonly string[] } } = {}) =>
  param.integer({ label: 'Rank', description, default: extra.default ?? 32, min: 1, max: 4096, ...(extra.showIf ? { showIf: extra.showIf } : {}), inline: true });

export const patterns = (description: string, defaultValue: string[] = []) =>
  param.stringList({
    label: 'Layer patterns',
    default: defaultValue,
    description: `${description} Plain text matches names containing it, * and ? are wildcards over the whole name, re: starts a regular expression.`,
    items: 'pattern',
    placeholder: 'attn2, *.to_k, re:^lora_te',
    checkItem: patternProblem,
  });

export const blocks = (description: string) =>
  param.stringList({
    label: 'Blocks',
    description: `${description} Block labels (TE, TE1, IN04, MID, OUT05, D03, S12, L07) or ranges (IN04-OUT05).`,
    items: 'block',
    placeholder: 'IN04-OUT05, TE',
    checkItem: (s) => {
      const r = parseBlockSelector(s);
      return r.ok ? undefined : r.message;
    },
  });

export const selectionMode = param.enumOf(
  [
    { value: 'include', label: 'Keep only', description: 'Keep the matching layers, drop the rest.' },
    { value: 'exclude', label: 'Remove', description: 'Drop the matching layers, keep the rest.' },
  ] as const,
  { label: 'Mode', description: 'Whether the patterns and blocks say what to keep or what to remove.', default: 'include', inline: true },
);

export const ifExists = param.enumOf(
  [
    { value: 'ask', label: 'Ask first', description: 'The app asks before Run writes over it; a headless run (lora-studio run) stops with an error unless given --overwrite.' },
    { value: 'overwrite', label: 'Overwrite', description: 'Replace the file (atomically: the old one stays until the new one is complete).' },
    { value: 'number', label: 'Number the file', description: 'Write name_00001.safetensors, name_00002… (the first free number), as ComfyUI does.' },
    { value: 'error', label: 'Stop with an error' },
  ] as const,
  { label: 'If the file exists', description: 'What to do when the output path already exists.', default: 'ask', advanced: true },
);

export const DYNAMIC_METHODS = [
  { value: 'fixed', label: 'Fixed rank', description: 'Every module gets exactly the rank given (or less where the module is smaller).' },
  { value: 'sv_ratio', label: 'sv_ratio', description: 'Keep singular values at least σ_max / param (param ≥ 1).' },
  { value: 'sv_fro', label: 'sv_fro', description: 'Keep the fewest singular values whose squares hold the fraction param of ‖ΔW‖²_F.' },
  { value: 'sv_cumulative', label: 'sv_cumulative', description: 'Keep the fewest singular values whose sum holds the fraction param of Σσ.' },
] as const;

export const dynamicParam = param.number({
  label: 'Dynamic parameter',
  description: 'sv_ratio: the largest allowed σ_max/σ ratio (≥ 1). sv_fro and sv_cumulative: the fraction to retain, in (0, 1].',
  default: 0.9,
  min: 0,
  exclusiveMin: true,
  step: 0.01,
  showIf: { param: 'method', oneOf: ['sv_ratio', 'sv_fro', 'sv_cumulative'] },
});

/** Shared check for the kohya-style rank-selection params. */
export function dynamicParamIssue(method: string, value: number): { code: string; message: string; param: string } | undefined {
  if (method === 'sv_ratio' && value < 1) return { code: 'dynamic-param-range', message: `sv_ratio needs a ratio of at least 1, got ${value}`, param: 'dynamicParam' };
  if ((method === 'sv_fro' || method === 'sv_cumulative') && value > 1) {
    return { code: 'dynamic-param-range', message: `${method} needs a fraction in (0, 1], got ${value}`, param: 'dynamicParam' };
  }
  return undefined;
}

export const clampQuantile = (showIf?: { param: string; oneOf: readonly string[] }) =>
  param.slider({
    label: 'Clamp quantile',
    description: 'Clamp factor entries to this quantile of their magnitudes, as kohya does with 0.99. 1 turns clamping off (exact).',
    default: 1,
    min: 0.9,
    max: 1,
    step: 0.001,
    hardMin: 0.5,
    hardMax: 1,
    advanced: true,
    ...(showIf ? { showIf } : {}),
  });

/** Merge-method options (shared/merge-methods.ts), shown for the methods that read them. */
export const mergeDensityParam = (methods: readonly string[], showOn = 'method') =>
  param.slider({
    label: 'Density',
    description: 'Fraction of entries kept, in (0, 1]; 1 keeps everything.',
    default: MERGE_OPTION_DEFAULTS.density,
    min: 0,
    max: 1,
    step: 0.01,
    exclusiveMin: true,
    showIf: { param: showOn, oneOf: methods },
    inline: true,
  });

export const mergeMajorityParam = (methods: readonly string[], showOn = 'method') =>
  param.enumOf(MAJORITY_SIGNS, {
    label: 'Sign election',
    description: 'How TIES elects the sign of each entry.',
    default: MERGE_OPTION_DEFAULTS.majority,
    showIf: { param: showOn, oneOf: methods },
  });

export const mergeSeedParam = (methods: readonly string[], showOn = 'method') =>
  param.seed({ label: 'Seed', description: 'Seed of DARE’s random drop.', default: MERGE_OPTION_DEFAULTS.seed, showIf: { param: showOn, oneOf: methods } });
