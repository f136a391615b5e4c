import { defineNode, type NodeCheckIssue } from '../definition.js';
import { param } from '../params/index.js';
import { BAKE_METHODS, mergeMethodsTaking } from '../../merge-methods.js';
import { blocks, mergeDensityParam, mergeMajorityParam, mergeSeedParam, patterns, selectionMode, strength } from './common.js';

const allowUnmatched = param.boolean({
  label: 'Allow unmatched',
  description: 'Skip (and report) LoRA modules that match no tensor of the model instead of stopping.',
  default: false,
  advanced: true,
});

const acceptArchitectureMismatch = param.boolean({
  label: 'Accept architecture mismatch',
  description: 'Apply a LoRA made for another architecture where its shapes happen to fit (rarely what you want).',
  default: false,
  advanced: true,
});

export const applyLora = defineNode({
  type: 'lora-studio/apply-lora',
  title: 'Apply LoRA',
  aliases: ['LoraLoader', 'LoraLoaderModelOnly'],
  category: 'Model',
  description: 'Patches a model with a LoRA at a strength; chain several to stack them.',
  keywords: ['bake', 'fuse', 'merge into', 'patch', 'stack', 'lora loader'],
  docs: `Adds a patch to every base tensor a LoRA module maps to:
\`W' = W + m · s · reshape(up · down)\` in fp32 (\`s = alpha / r\`; DoRA, LoHa, LoKr, full diffs and PEFT
\`modules_to_save\` as their formats define), with m the UNet strength for UNet/transformer/LLM modules and
the text encoder strength for TE modules (ComfyUI's strength_model / strength_clip). Fused q/k/v and Flux
qkv/linear1 targets get slice patches; transposed targets (GPT-2 Conv1D, fan_in_fan_out) are handled.

Nothing is computed until a sink pulls the tensors; Save Model then streams them. Chaining Apply LoRA nodes
stacks the patches in order. Modules that match nothing in the model stop the run with the list, unless
"Allow unmatched" is on (then they are reported and skipped).`,
  version: 1,
  inputs: [
    { name: 'model', label: 'Model', type: 'model', description: 'The model to patch.', required: true, multiple: false },
    { name: 'lora', label: 'LoRA', type: 'lora', description: 'The LoRA to apply.', required: true, multiple: false },
  ],
  outputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The patched model.' }],
  params: {
    strength: strength('Strength', 'Multiplier m on ΔW for UNet / transformer / LLM modules.'),
    teStrength: strength('Text encoder strength', 'Multiplier on ΔW for text encoder modules.'),
    allowUnmatched,
    acceptArchitectureMismatch,
  },
});

/** Params of each connection into Bake LoRAs' `loras` port. */
export const bakeInputParams = {
  strength: strength('Strength', 'sᵢ: this LoRA’s strength (its weight in a merge method).'),
};

export const bakeLoras = defineNode({
  type: 'lora-studio/bake-loras',
  title: 'Bake LoRAs',
  category: 'Model',
  description: 'Bakes several LoRAs into a model at once: their sum, or a TIES / DARE / magnitude-prune / task-arithmetic merge of their deltas.',
  keywords: ['bake', 'merge into', 'ties', 'dare', 'task arithmetic', 'magnitude prune', 'task vector', 'stack'],
  docs: `Every connected LoRA is mapped onto the model (as Apply LoRA does) with the strength on its connection.
- **Sum** (default): \`W' = W + Σ sᵢ·ΔWᵢ\`, the same as chaining one Apply LoRA per LoRA.
- **task_arithmetic, ties, dare_linear, dare_ties, magnitude_prune**: per base tensor, the LoRAs' deltas
  \`τᵢ = scaleᵢ·ΔWᵢ\` are merged with PEFT's \`merge_utils\` semantics, each weighted by its strength, and the
  merged delta is added to W (dense, at full rank: nothing is compressed). Density, seed and sign election
  as in Combine LoRAs (docs/merge-methods.md).

Modules that match nothing in the model stop the run with the list, unless "Allow unmatched" is on.`,
  references: [{ label: 'PEFT merge_utils.py', url: 'https://github.com/huggingface/peft/blob/main/src/peft/utils/merge_utils.py' }],
  version: 1,
  inputs: [
    { name: 'model', label: 'Model', type: 'model', description: 'The model to patch.', required: true, multiple: false },
    { name: 'loras', label: 'LoRAs', type: 'lora', description: 'The LoRAs to bake, each with its strength; order as connected.', required: true, multiple: true, edgeParams: bakeInputParams },
  ],
  outputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The patched model.' }],
  params: {
    method: param.enumOf(BAKE_METHODS, { label: 'Method', description: 'How the LoRAs’ deltas are put together.', default: 'sum', inline: true }),
    density: mergeDensityParam(mergeMethodsTaking('density')),
    majority: mergeMajorityParam(mergeMethodsTaking('majority')),
    seed: mergeSeedParam(mergeMethodsTaking('seed')),
    allowUnmatched,
    acceptArchitectureMismatch,
  },
  check: (p, ctx): NodeCheckIssue[] =>
    (ctx.connected.loras ?? 0) === 1 && p.method !== 'sum'
      ? [{ code: 'single-input', severity: 'warning', message: `${p.method} with a single LoRA only rescales it`, port: 'loras' }]
      : [],
});

export const mergeModels = defineNode({
  type: 'lora-studio/merge-models',
  title: 'Merge Models',
  aliases: ['ModelMergeSimple', 'ModelMergeAdd', 'ModelMergeSubtract', 'CheckpointMerger'],
  category: 'Model',
  description: 'Checkpoint merge: weighted sum of two models, or add difference A + (B − C)·m.',
  keywords: ['checkpoint merger', 'weighted sum', 'add difference', 'blend', 'mix models'],
  docs: `Per tensor, in fp32, streamed:
- **Weighted sum**: \`(1 − α)·A + α·B\`.
- **Add difference**: \`A + m·(B − C)\` (C is usually the base B was fine-tuned from).

A's patches (from Apply LoRA upstream) are applied first, likewise for B and C. Tensors missing from B (or C)
are taken from A unchanged and listed in the run log; tensors whose shapes differ stop the run with their
names. The output has A's tensor names, dtypes and metadata. Restrict the merge to some blocks by putting
Select Model Layers ("Revert") after it.`,
  version: 1,
  inputs: [
    { name: 'a', label: 'A', type: 'model', description: 'The primary model.', required: true, multiple: false },
    { name: 'b', label: 'B', type: 'model', description: 'The secondary model.', required: true, multiple: false },
    { name: 'c', label: 'C', type: 'model', description: 'Add difference: the model subtracted from B.', required: false, multiple: false },
  ],
  outputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The merged model.' }],
  params: {
    mode: param.enumOf(
      [
        { value: 'weighted_sum', label: 'Weighted sum', description: '(1 − α)·A + α·B' },
        { value: 'add_difference', label: 'Add difference', description: 'A + m·(B − C)' },
      ] as const,
      { label: 'Mode', description: 'The merge formula.', default: 'weighted_sum', inline: true },
    ),
    alpha: param.slider({
      label: 'α',
      description: 'Weight of B in the weighted sum.',
      default: 0.5,
      min: 0,
      max: 1,
      step: 0.01,
      hardMin: -10,
      hardMax: 10,
      inline: true,
      showIf: { param: 'mode', oneOf: ['weighted_sum'] },
    }),
    multiplier: param.slider({
      label: 'Multiplier',
      description: 'm in A + m·(B − C).',
      default: 1,
      min: 0,
      max: 2,
      step: 0.05,
      hardMin: -100,
      hardMax: 100,
      inline: true,
      showIf: { param: 'mode', oneOf: ['add_difference'] },
    }),
  },
  check: (p, ctx): NodeCheckIssue[] => {
    const c = ctx.connected.c ?? 0;
    if (p.mode === 'add_difference' && c === 0) return [{ code: 'needs-input-c', message: 'add difference needs a model on input C', port: 'c' }];
    if (p.mode === 'weighted_sum' && c > 0) return [{ code: 'unused-input-c', severity: 'warning', message: 'input C is ignored by the weighted sum', port: 'c' }];
    return [];
  },
});

export const selectModelLayers = defineNode({
  type: 'lora-studio/select-model-layers',
  title: 'Select Model Layers',
  category: 'Model',
  description: 'Restrict a model’s patches to some layers, or drop tensors from the output.',
  keywords: ['filter', 'include', 'exclude', 'pattern', 'block', 'revert', 'unet only', 'layers', 'tensors'],
  docs: `A tensor is selected when its name matches one of the patterns or its block matches one of the block
selectors; "Keep only" keeps the selected tensors, "Remove" the others. What happens to the tensors that are
not kept:
- **Revert to base**: they keep the base checkpoint's values (the patches and merges upstream are dropped
  for them): apply a LoRA to the UNet only, or merge only some blocks.
- **Drop from output**: they are left out of what Save Model writes (e.g. save the UNet alone).

Patterns are matched against the base checkpoint's tensor names (\`model.diffusion_model.input_blocks.4.…\`).
Plain text matches names that contain it; \`*\` and \`?\` are wildcards over the whole name; \`re:\` starts a
regular expression.`,
  version: 1,
  inputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The model to filter.', required: true, multiple: false }],
  outputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The filtered model.' }],
  params: {
    mode: selectionMode,
    patterns: patterns('Tensor names to select.'),
    blocks: blocks('Blocks to select.'),
    effect: param.enumOf(
      [
        { value: 'revert', label: 'Revert to base', description: 'Tensors not kept get the base checkpoint’s values.' },
        { value: 'drop', label: 'Drop from output', description: 'Tensors not kept are not written.' },
      ] as const,
      { label: 'Tensors not kept', description: 'Revert them to the base, or leave them out of the output.', default: 'revert' },
    ),
  },
  check: (p): NodeCheckIssue[] =>
    p.patterns.length === 0 && p.blocks.length === 0 ? [{ code: 'empty-selection', message: 'add at least one layer pattern or block', param: 'patterns' }] : [],
});
