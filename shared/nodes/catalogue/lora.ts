import { BLOCK_WEIGHT_LAYOUT_IDS, BLOCK_WEIGHT_LAYOUTS, BLOCK_WEIGHT_VECTOR_LENGTHS, blockWeightSlotNames, layoutLength } from '../../blocks/block-weight-layouts.js';
import { BLOCK_WEIGHT_PRESET_NAMES, presetVector } from '../../blocks/block-weight-presets.js';
import { parseElementalRules } from '../../blocks/elemental.js';
import { defineNode, type NodeCheckIssue } from '../definition.js';
import { param } from '../params/index.js';
import { blocks, clampQuantile, DYNAMIC_METHODS, dynamicParam, dynamicParamIssue, patterns, rank, selectionMode, strength } from './common.js';

export const scaleLora = defineNode({
  type: 'lora-studio/scale-lora',
  title: 'Scale LoRA',
  category: 'LoRA',
  description: 'Multiplies a LoRA by a strength (negative values invert it).',
  keywords: ['strength', 'weight', 'multiply', 'negate', 'invert'],
  docs: `\`ΔW' = m · ΔW\` for every module. Applied to the down factor only (\`down' = m · down\`), so the
result stays exact for any m, including negative ones; scaling both factors by √m, as some tools do, fails
for m < 0 and squares the ratio when they are combined afterwards.`,
  version: 1,
  inputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The LoRA to scale.', required: true, multiple: false }],
  outputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The scaled LoRA.' }],
  params: { strength: strength('Strength', 'Multiplier m on every module’s ΔW.') },
});

const PRESET_OPTIONS = [
  { value: 'custom', label: 'Custom vector', description: 'Use the weights typed below.' },
  ...BLOCK_WEIGHT_PRESET_NAMES.map((n) => ({ value: n, label: n })),
] as const;

const LAYOUT_OPTIONS = [
  { value: 'auto', label: 'Auto', description: 'From the vector’s length (custom) or the LoRA’s architecture (presets).' },
  ...BLOCK_WEIGHT_LAYOUT_IDS.map((id) => ({ value: id, label: BLOCK_WEIGHT_LAYOUTS[id].title })),
] as const;

export const blockWeights = defineNode({
  type: 'lora-studio/block-weights',
  title: 'Block Weights',
  aliases: ['LoraLoaderBlockWeight', 'LoRA Block Weight'],
  category: 'LoRA',
  description: 'A weight per model block (LoRA Block Weight presets and vectors), with text encoder and UNet strengths.',
  keywords: ['lbw', 'block', 'weight', 'preset', 'vector', 'elemental', 'ins', 'outd'],
  docs: `Follows hako-mikan's LoRA Block Weight (LBW). For every module of block \`b\` (labels TE, IN04, MID,
OUT05, D03, S12 ...):

\`ΔW' = s · w(b) · ΔW\`, with \`s\` the text encoder strength for TE/TE1/TE2 modules and the UNet strength
for the rest, and \`w(b)\` the vector's value for the slot covering b (BASE covers the text encoders).

Vectors: 17 or 26 values for SD 1.x/2.x, 12 or 20 for SDXL, 61 for Flux (CLIP, T5, IN, D00–D18, S00–S37,
OUT). As in LBW, numbered blocks a short vector does not name get 0 (LBW widens it with zeros), and modules
outside the numbered blocks (time embedding, conv_out, Flux's other modules) keep 1. Presets NONE, ALL and
ALL0.5 work for every layout; INS, IND, INALL, MIDD, OUTD, OUTS and OUTALL are SD1's, FLUXALL is Flux's.

A module's block is the block of the base tensor it maps to when a model is connected (the base is
authoritative: this is what \`lora-studio merge --block-weights\` does), else the block its own name says.

Elemental rules (one per line, \`BLOCKS:ELEMENTS:VALUE\`, later lines win) replace w(b) for modules whose
name contains one of the elements: \`IN05-OUT05:attn:0\` turns attention off in the deep blocks.`,
  references: [{ label: 'sd-webui-lora-block-weight', url: 'https://github.com/hako-mikan/sd-webui-lora-block-weight' }],
  version: 1,
  inputs: [
    { name: 'lora', label: 'LoRA', type: 'lora', description: 'The LoRA to weight.', required: true, multiple: false },
    {
      name: 'model',
      label: 'Model',
      type: 'model',
      description: 'Optional: the model the LoRA is applied to. Each module then gets the block of the base tensor it maps to (docs/block-weights.md).',
      required: false,
      multiple: false,
    },
  ],
  outputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The weighted LoRA.' }],
  params: {
    preset: param.enumOf(PRESET_OPTIONS, { label: 'Preset', description: 'A named LBW vector, or Custom.', default: 'ALL', inline: true, display: 'select' }),
    weights: param.vector({
      label: 'Weights',
      description: 'One value per slot: 17/26 (SD 1.x/2.x), 12/20 (SDXL) or 61 (Flux).',
      default: [],
      lengths: BLOCK_WEIGHT_VECTOR_LENGTHS,
      slotNames: blockWeightSlotNames,
      min: -100,
      max: 100,
      showIf: { param: 'preset', oneOf: ['custom'] },
      inline: true,
    }),
    layout: param.enumOf(LAYOUT_OPTIONS, { label: 'Layout', description: 'Which block layout the vector is written in.', default: 'auto', advanced: true }),
    unetStrength: strength('UNet strength', 'Multiplier for every module outside the text encoders (UNet, Flux transformer, LLM layers).'),
    teStrength: strength('Text encoder strength', 'Multiplier for TE / TE1 / TE2 modules.'),
    elements: param.text({
      label: 'Elemental rules',
      description: 'Lines of BLOCKS:ELEMENTS:VALUE, e.g. IN05-OUT05:attn:0. Later lines win.',
      multiline: true,
      monospace: true,
      placeholder: 'IN05-OUT05:attn:0',
      advanced: true,
      check: (t) => {
        const r = parseElementalRules(t);
        return r.ok ? undefined : r.message;
      },
    }),
  },
  check: (p) => {
    const issues: NodeCheckIssue[] = [];
    if (p.preset === 'custom') {
      if (p.weights.length === 0) issues.push({ code: 'needs-weights', message: 'a custom preset needs a weight vector', param: 'weights' });
      else if (p.layout !== 'auto' && p.weights.length !== layoutLength(p.layout)) {
        issues.push({
          code: 'layout-length',
          message: `the ${p.layout} layout takes ${layoutLength(p.layout)} values, the vector has ${p.weights.length}`,
          param: 'weights',
        });
      }
    } else if (p.layout !== 'auto') {
      const r = presetVector(p.preset, p.layout);
      if (!r.ok) issues.push({ code: 'preset-layout', message: r.message, param: 'preset' });
    }
    return issues;
  },
});

const selectionDocs = (what: string) => `A module is selected when its name matches one of the patterns or its block matches one of
the block selectors. "Keep only" keeps the selected modules, "Remove" removes them. ${what}

Patterns are matched against the module's name as its file spells it and against its canonical name, so
\`attn2\`, \`*.to_k\` and \`lora_unet_*attn2*\` all work. Plain text matches names that contain it; \`*\` and
\`?\` are wildcards over the whole name; \`re:\` starts a regular expression.`;

const selectionCheck = (p: { patterns: string[]; blocks: string[] }): NodeCheckIssue[] =>
  p.patterns.length === 0 && p.blocks.length === 0
    ? [{ code: 'empty-selection', message: 'add at least one layer pattern or block', param: 'patterns' }]
    : [];

export const selectLoraLayers = defineNode({
  type: 'lora-studio/select-lora-layers',
  title: 'Select LoRA Layers',
  category: 'LoRA',
  description: 'Keep or remove LoRA modules by name pattern or by block.',
  keywords: ['filter', 'include', 'exclude', 'pattern', 'block', 'chop', 'layers', 'modules'],
  docs: selectionDocs('Removed modules are dropped from the LoRA (their ΔW is 0).'),
  version: 1,
  inputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The LoRA to filter.', required: true, multiple: false }],
  outputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The selected modules.' }],
  params: {
    mode: selectionMode,
    patterns: patterns('Module names to select.'),
    blocks: blocks('Blocks to select.'),
  },
  check: selectionCheck,
});

export const resizeRank = defineNode({
  type: 'lora-studio/resize-rank',
  title: 'Resize Rank',
  category: 'LoRA',
  description: 'Reduce a LoRA’s rank by SVD, to a fixed rank or dynamically (kohya resize_lora).',
  keywords: ['resize', 'compress', 'svd', 'rank', 'prune', 'sv_ratio', 'sv_fro', 'sv_cumulative'],
  docs: `Per module, the SVD of \`ΔW = s · up · down\` is computed from the factors (fp64 Gram matrices of each,
pivoted Cholesky and a small r × r eigenproblem; the dense matrix is never formed) and truncated to the new rank k:
\`up' = U_k·√Σ_k\`, \`down' = √Σ_k·V_kᵀ\`, \`alpha' = (alpha / r) · k\` so the scale is preserved, as kohya's
\`resize_lora.py\`. Modules whose rank is already ≤ k are kept unchanged.

Dynamic methods choose k per module (capped by Rank): sv_ratio keeps σ ≥ σ_max / param; sv_fro keeps the
fewest σ with Σσ² ≥ param · ‖ΔW‖²_F; sv_cumulative the fewest with Σσ ≥ param · Σσ_all.
The report lists per module the old and new rank and the retained Frobenius energy.`,
  references: [{ label: 'kohya sd-scripts resize_lora.py', url: 'https://github.com/kohya-ss/sd-scripts/blob/main/networks/resize_lora.py' }],
  version: 1,
  inputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The LoRA to resize.', required: true, multiple: false }],
  outputs: [
    { name: 'lora', label: 'LoRA', type: 'lora', description: 'The resized LoRA.' },
    { name: 'report', label: 'Report', type: 'report', description: 'Per-module ranks and retained energy.' },
  ],
  params: {
    method: param.enumOf(DYNAMIC_METHODS, { label: 'Method', description: 'How the new rank is chosen.', default: 'fixed', inline: true }),
    rank: rank('The new rank (fixed) or the largest rank allowed (dynamic methods).', { default: 16 }),
    dynamicParam,
    convRank: param.integer({ label: 'Conv rank', description: 'Rank for 3×3 conv modules (LoCon); 0 = same as Rank.', default: 0, min: 0, max: 4096, advanced: true }),
  },
  check: (p) => {
    const issue = dynamicParamIssue(p.method, p.dynamicParam);
    return issue ? [issue] : [];
  },
});

export const extractLora = defineNode({
  type: 'lora-studio/extract-lora',
  title: 'Extract LoRA',
  aliases: ['LoraSave', 'Extract and Save Lora'],
  category: 'LoRA',
  description: 'A LoRA from the difference of a fine-tuned and a base model (kohya extract_lora_from_models).',
  keywords: ['extract', 'difference', 'svd', 'distill', 'finetune', 'dreambooth'],
  docs: `For every weight both models have, \`ΔW = W_tuned − W_base\` is factorised by randomized SVD (exact
SVD for small matrices) and truncated to the rank: \`up = U_k·√Σ_k\`, \`down = √Σ_k·V_kᵀ\`, alpha = k.
Rank selection as in Resize Rank (kohya's fixed / sv_ratio / sv_fro / sv_cumulative). Modules whose
largest |ΔW| entry is below the threshold are skipped and listed in the report; 3×3 convolutions are
extracted only with a conv rank > 0, as kohya without \`--conv_dim\`.`,
  references: [{ label: 'kohya sd-scripts extract_lora_from_models.py', url: 'https://github.com/kohya-ss/sd-scripts/blob/main/networks/extract_lora_from_models.py' }],
  version: 1,
  inputs: [
    { name: 'base', label: 'Base', type: 'model', description: 'The original model.', required: true, multiple: false },
    { name: 'tuned', label: 'Tuned', type: 'model', description: 'The fine-tuned model.', required: true, multiple: false },
  ],
  outputs: [
    { name: 'lora', label: 'LoRA', type: 'lora', description: 'The extracted LoRA.' },
    { name: 'report', label: 'Report', type: 'report', description: 'Per-module ranks, retained energy, skipped modules.' },
  ],
  params: {
    method: param.enumOf(DYNAMIC_METHODS, { label: 'Method', description: 'How each module’s rank is chosen.', default: 'fixed', inline: true }),
    rank: rank('The rank (fixed) or the largest rank allowed (dynamic methods).'),
    dynamicParam,
    convRank: param.integer({ label: 'Conv rank', description: 'Rank for 3×3 convolutions; 0 skips them.', default: 0, min: 0, max: 4096, advanced: true }),
    threshold: param.number({
      label: 'Threshold',
      description: 'Skip modules whose largest |ΔW| entry is below this (kohya min_diff).',
      default: 0.01,
      min: 0,
      step: 0.001,
      advanced: true,
    }),
    textEncoders: param.boolean({ label: 'Text encoders', description: 'Also extract text encoder modules.', default: true, advanced: true }),
    clampQuantile: clampQuantile(),
    seed: param.seed({ label: 'Seed', description: 'Seed of the randomized SVD’s test matrix.', advanced: true }),
  },
  check: (p) => {
    const issue = dynamicParamIssue(p.method, p.dynamicParam);
    return issue ? [issue] : [];
  },
});
