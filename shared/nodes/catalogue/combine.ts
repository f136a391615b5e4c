import { defineNode, type NodeCheckIssue } from '../definition.js';
import { param, type ParamsOf } from '../params/index.js';
import { clampQuantile, rank } from './common.js';

export const COMBINE_METHODS = [
  { value: 'concat', label: 'Concatenate (exact)', description: 'Rank concatenation: the exact weighted sum, rank Σr.' },
  { value: 'svd', label: 'SVD', description: 'Best rank-k approximation of the weighted sum.' },
  { value: 'task_arithmetic', label: 'Task arithmetic', description: 'Σ wᵢ·τᵢ on dense deltas, then rank k.' },
  { value: 'ties', label: 'TIES', description: 'Trim to density, elect signs, disjoint merge (PEFT).' },
  { value: 'dare_linear', label: 'DARE linear', description: 'Random drop with rescale, then weighted sum (PEFT).' },
  { value: 'dare_ties', label: 'DARE TIES', description: 'Random drop with rescale, then TIES sign election (PEFT).' },
  { value: 'magnitude_prune', label: 'Magnitude prune', description: 'Keep the largest |entries| to density, then weighted sum (PEFT).' },
  { value: 'kohya', label: 'kohya merge_lora (not exact)', description: 'Reproduces sd-scripts merge_lora.py, for parity with files people have.' },
] as const;

export type CombineMethod = (typeof COMBINE_METHODS)[number]['value'];

const DENSITY_METHODS = ['ties', 'dare_linear', 'dare_ties', 'magnitude_prune'] as const;
const SEEDED_METHODS = ['dare_linear', 'dare_ties'] as const;
const SIGN_METHODS = ['ties', 'dare_ties'] as const;
const RANKED_METHODS = ['svd', 'task_arithmetic', ...DENSITY_METHODS] as const;

/** Params of each connection into Combine LoRAs' `loras` port. */
export const combineInputParams = {
  weight: param.slider({
    label: 'Weight',
    description: 'wᵢ: this LoRA’s weight in the combination.',
    default: 1,
    min: -2,
    max: 2,
    step: 0.05,
    hardMin: -100,
    hardMax: 100,
    inline: true,
  }),
};
export type CombineInputParams = ParamsOf<typeof combineInputParams>;

export const combineLoras = defineNode({
  type: 'lora-studio/combine-loras',
  title: 'Combine LoRAs',
  category: 'Combine',
  description: 'Several weighted LoRAs into one: exact concatenation, SVD, TIES, DARE, magnitude prune, task arithmetic, kohya.',
  keywords: ['merge', 'mix', 'sum', 'concat', 'svd', 'ties', 'dare', 'task arithmetic', 'magnitude', 'prune', 'kohya'],
  docs: `Each input i has a weight wᵢ (on its connection) and a scale sᵢ (its alpha/r); \`τᵢ = sᵢ·ΔWᵢ\`.
Modules present in only some inputs are combined from those that have them.

- **concat** (default, exact): \`down* = vstack(wᵢ·sᵢ·downᵢ)\`, \`up* = hstack(upᵢ)\`, alpha* = r* = Σrᵢ. Applying
  the result equals applying each input with its weight. (kohya's \`--concat\` rescales by r₀/Σr; we do not.)
- **svd**: the best rank-k approximation of \`Σ wᵢ·τᵢ\`, from the fp64 Gram matrices of the stacked factors
  (pivoted Cholesky, then a small r × r eigenproblem: equivalent to thin QR + SVD of the core); the dense
  matrix is never formed. Optional clamp quantile as kohya's svd_merge_lora.
- **task_arithmetic, ties, dare_linear, dare_ties, magnitude_prune**: on dense per-module deltas τᵢ with
  PEFT's \`add_weighted_adapter\` / \`utils/merge_utils.py\` semantics. TIES: trim each τᵢ to its top
  density fraction by magnitude, elect each entry's sign from the trimmed τᵢ (by total mass or by
  frequency), then sum the weighted entries that agree with it and divide by how many agree. DARE: drop
  entries with probability 1 − density, rescale by 1/density (seeded). mergekit's TIES divides by the sum
  of the agreeing weights instead; we follow PEFT. The merged delta is then compressed to rank k by SVD.
- **kohya**: reproduces sd-scripts \`merge_lora.py\` (weighted sum of the factors, which squares the ratio
  and mixes cross terms): not exact, offered for parity with existing files.

DoRA modules cannot be combined linearly: the node stops with an error naming them (bake them with Apply
LoRA instead). LoHa/LoKr modules are expanded to dense deltas, then compressed.`,
  references: [
    { label: 'PEFT merge_utils.py', url: 'https://github.com/huggingface/peft/blob/main/src/peft/utils/merge_utils.py' },
    { label: 'TIES-Merging (Yadav et al., 2023)', url: 'https://arxiv.org/abs/2306.01708' },
    { label: 'DARE (Yu et al., 2023)', url: 'https://arxiv.org/abs/2311.03099' },
  ],
  version: 1,
  inputs: [
    {
      name: 'loras',
      label: 'LoRAs',
      type: 'lora',
      description: 'The LoRAs to combine, each with its weight; order as connected.',
      required: true,
      multiple: true,
      edgeParams: combineInputParams,
    },
  ],
  outputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The combined LoRA.' }],
  params: {
    method: param.enumOf(COMBINE_METHODS, { label: 'Method', description: 'How the LoRAs are combined.', default: 'concat', inline: true }),
    rank: rank('Rank k of the result.', { showIf: { param: 'method', oneOf: RANKED_METHODS } }),
    density: param.slider({
      label: 'Density',
      description: 'Fraction of entries kept, in (0, 1]; 1 keeps everything.',
      default: 0.5,
      min: 0,
      max: 1,
      step: 0.01,
      exclusiveMin: true,
      showIf: { param: 'method', oneOf: DENSITY_METHODS },
    }),
    majority: param.enumOf(
      [
        { value: 'total', label: 'Total', description: 'Sign of the summed values (PEFT "total").' },
        { value: 'frequency', label: 'Frequency', description: 'Sign held by more inputs (PEFT "frequency").' },
      ] as const,
      { label: 'Sign election', description: 'How TIES elects the sign of each entry.', default: 'total', showIf: { param: 'method', oneOf: SIGN_METHODS } },
    ),
    seed: param.seed({ label: 'Seed', description: 'Seed of DARE’s random drop.', showIf: { param: 'method', oneOf: SEEDED_METHODS } }),
    clampQuantile: clampQuantile({ param: 'method', oneOf: ['svd'] }),
    kohyaConcat: param.boolean({
      label: 'kohya --concat',
      description: 'Concatenate ranks as merge_lora.py --concat does (with its r₀/Σr rescale).',
      default: false,
      showIf: { param: 'method', oneOf: ['kohya'] },
      advanced: true,
    }),
  },
  check: (p, ctx): NodeCheckIssue[] => {
    const n = ctx.connected.loras ?? 0;
    if (n === 1 && p.method !== 'concat' && p.method !== 'svd') {
      return [{ code: 'single-input', severity: 'warning', message: `${p.method} with a single LoRA only rescales and compresses it`, port: 'loras' }];
    }
    return [];
  },
});
