/**
 * The one table of task-vector merge methods (PEFT semantics, docs/merge-methods.md): their ids, labels, what
 * each does, which options it reads, and the options' defaults. Node params (Combine LoRAs, Bake LoRAs), the
 * engine's validation and the CLI's `--method` / `--density` / `--seed` / `--majority` help are derived from it.
 */

export const MERGE_METHODS = ['task_arithmetic', 'magnitude_prune', 'ties', 'dare_linear', 'dare_ties'] as const;
export type MergeMethodName = (typeof MERGE_METHODS)[number];

/** The options a merge method may read. */
export type MergeOptionName = 'density' | 'seed' | 'majority';

export interface MergeMethodInfo {
  readonly label: string;
  readonly description: string;
  readonly options: readonly MergeOptionName[];
}

export const MERGE_METHOD_INFO: Readonly<Record<MergeMethodName, MergeMethodInfo>> = {
  task_arithmetic: { label: 'Task arithmetic', description: 'Σ wᵢ·τᵢ on dense deltas.', options: [] },
  magnitude_prune: { label: 'Magnitude prune', description: 'Keep the largest |entries| to density, then weighted sum (PEFT).', options: ['density'] },
  ties: { label: 'TIES', description: 'Trim to density, elect signs, disjoint merge (PEFT).', options: ['density', 'majority'] },
  dare_linear: { label: 'DARE linear', description: 'Random drop with rescale, then weighted sum (PEFT).', options: ['density', 'seed'] },
  dare_ties: { label: 'DARE TIES', description: 'Random drop with rescale, then TIES sign election (PEFT).', options: ['density', 'seed', 'majority'] },
};

export const MAJORITY_SIGNS = [
  { value: 'total', label: 'Total', description: 'Sign of the summed values (PEFT "total").' },
  { value: 'frequency', label: 'Frequency', description: 'Sign held by more inputs (PEFT "frequency").' },
] as const;
export type MajoritySign = (typeof MAJORITY_SIGNS)[number]['value'];
export const MAJORITY_SIGN_METHODS: readonly MajoritySign[] = MAJORITY_SIGNS.map((m) => m.value);

/** What a method uses when an option is not given: the node params' defaults and the CLI's. */
export const MERGE_OPTION_DEFAULTS = { density: 0.5, seed: 0, majority: 'total' } as const satisfies { density: number; seed: number; majority: MajoritySign };

/** The merge methods that read `option`, in table order. */
export function mergeMethodsTaking(option: MergeOptionName): MergeMethodName[] {
  return MERGE_METHODS.filter((m) => MERGE_METHOD_INFO[m].options.includes(option));
}

/** Enum options (value, label, description) of the merge methods, for node params. */
export const MERGE_METHOD_OPTIONS = MERGE_METHODS.map((value) => ({ value, label: MERGE_METHOD_INFO[value].label, description: MERGE_METHOD_INFO[value].description }));

/**
 * Combine LoRAs' methods: exact concatenation, SVD, the merge methods above (then compressed to a rank), and
 * kohya parity. The engine also plans `kohya_concat`, which the node spells as kohya + "kohya --concat".
 */
export const COMBINE_METHODS = [
  { value: 'concat', label: 'Concatenate (exact)', description: 'Rank concatenation: the exact weighted sum, rank Σr.' },
  { value: 'svd', label: 'SVD', description: 'Best rank-k approximation of the weighted sum.' },
  ...MERGE_METHOD_OPTIONS.map((m) => ({ ...m, description: `${m.description} Then rank k.` })),
  { value: 'kohya', label: 'kohya merge_lora (not exact)', description: 'Reproduces sd-scripts merge_lora.py, for parity with files people have.' },
] as const;
export type CombineMethod = (typeof COMBINE_METHODS)[number]['value'];

/** Combine methods whose result is compressed to a rank (and so read the rank rule). */
export const RANKED_COMBINE_METHODS: readonly CombineMethod[] = ['svd', ...MERGE_METHODS];

/** Baking several LoRAs into a model (Bake LoRAs, `lora-studio merge --method`): their sum in order, or a merge method. */
export const BAKE_METHODS = [
  { value: 'sum', label: 'Sum (in order)', description: 'W + Σ sᵢ·ΔWᵢ: each LoRA applied with its strength, as chained Apply LoRA nodes.' },
  ...MERGE_METHOD_OPTIONS,
] as const;
export type BakeMethod = (typeof BAKE_METHODS)[number]['value'];
