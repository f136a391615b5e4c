import { defineNode, type NodeCheckIssue } from '../definition.js';
import { param, type ParamsOf } from '../params/index.js';
import { COMBINE_METHODS, RANKED_COMBINE_METHODS, mergeMethodsTaking } from '../../merge-methods.js';
import { clampQuantile, DYNAMIC_METHODS, dynamicParamIssue, mergeDensityParam, mergeMajorityParam, mergeSeedParam, rank, strength } from './common.js';

export { COMBINE_METHODS, type CombineMethod } from '../../merge-methods.js';

const DENSITY_METHODS = mergeMethodsTaking('density');
const SEEDED_METHODS = mergeMethodsTaking('seed');
const SIGN_METHODS = mergeMethodsTaking('majority');

/** Params of each connection into Combine LoRAs' `loras` port. */
export const combineInputParams = {
  weight: strength('Weight', 'wᵢ: this LoRA’s weight in the combination.'),
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
    rank: rank('Rank k of the result; with a dynamic rank rule, the largest rank allowed.', { showIf: { param: 'method', oneOf: RANKED_COMBINE_METHODS } }),
    dynamic: param.enumOf(DYNAMIC_METHODS, {
      label: 'Rank rule',
      description: 'Fixed rank k, or choose each module’s rank from its spectrum (kohya resize_lora), capped by Rank.',
      default: 'fixed',
      showIf: { param: 'method', oneOf: RANKED_COMBINE_METHODS },
      advanced: true,
    }),
    dynamicParam: param.number({
      label: 'Dynamic parameter',
      description: 'sv_ratio: the largest allowed σ_max/σ ratio (≥ 1). sv_fro and sv_cumulative: the fraction to retain, in (0, 1].',
      default: 0.9,
      min: 0,
      exclusiveMin: true,
      step: 0.01,
      showIf: { param: 'dynamic', oneOf: ['sv_ratio', 'sv_fro', 'sv_cumulative'] },
      advanced: true,
    }),
    density: mergeDensityParam(DENSITY_METHODS),
    majority: mergeMajorityParam(SIGN_METHODS),
    seed: mergeSeedParam(SEEDED_METHODS),
    clampQuantile: clampQuantile({ param: 'method', oneOf: RANKED_COMBINE_METHODS }),
    kohyaConcat: param.boolean({
      label: 'kohya --concat',
      description: 'Concatenate ranks as merge_lora.py --concat does (with its r₀/Σr rescale).',
      default: false,
      showIf: { param: 'method', oneOf: ['kohya'] },
      advanced: true,
    }),
  },
  check: (p, ctx): NodeCheckIssue[] => {
    const issues: NodeCheckIssue[] = [];
    const n = ctx.connected.loras ?? 0;
    if (n === 1 && p.method !== 'concat' && p.method !== 'svd') {
      issues.push({ code: 'single-input', severity: 'warning', message: `${p.method} with a single LoRA only rescales and compresses it`, port: 'loras' });
    }
    const dynamic = RANKED_COMBINE_METHODS.includes(p.method) ? dynamicParamIssue(p.dynamic, p.dynamicParam) : undefined;
    if (dynamic) issues.push(dynamic);
    return issues;
  },
});
