/**
 * The `model` value (DESIGN.md §3): a base checkpoint handle plus an ordered list of steps that patch its
 * tensors. Nothing is computed until a sink (Save Model, Inspect, Probe) pulls tensors through it.
 */
import type { TaskVectorMergeOptions } from '../merge-methods/types.js';
import type { KeyMap, MappingReport } from '../naming/types.js';
import type { TensorSource } from '../tensor-io/tensor-source.js';
import type { LoraValue } from './lora-value.js';

export interface BaseModel {
  /** What the user gave (file, index or directory). */
  readonly path: string;
  readonly source: TensorSource;
  readonly keyMap: KeyMap;
}

/** One LoRA applied with a strength (Apply LoRA; `merge --lora f:strength`), with its mapping onto the base. */
export interface AppliedLora {
  readonly lora: LoraValue;
  readonly strength: number;
  readonly mapping: MappingReport;
}

export type ModelStep =
  /** ΔW of every matched module added in order: W += strength·ΔW (DoRA: recomputed on the current W). */
  | { readonly type: 'apply'; readonly applied: AppliedLora }
  /**
   * Task-vector merge while baking (merge --method ties|dare…): per base tensor, each LoRA's summed delta is a
   * task vector τ_i with weight = its strength; the merged delta is added to the base.
   */
  | { readonly type: 'merge'; readonly members: readonly AppliedLora[]; readonly options: TaskVectorMergeOptions }
  /**
   * Select Model Layers: the listed base tensors are not kept. 'revert': every patch applied to them so far is
   * dropped (they keep the base's values); 'drop': they are left out of the output.
   */
  | { readonly type: 'select'; readonly effect: 'revert' | 'drop'; readonly keys: readonly string[] }
  /**
   * Merge Models (checkpoint merge), per tensor of this model's base that `b` also has, on the values patched so far:
   * weighted_sum W ← (1 − factor)·W + factor·B; add_difference W ← W + factor·(B − C). B and C bring their own steps.
   */
  | { readonly type: 'merge-models'; readonly mode: 'weighted_sum' | 'add_difference'; readonly factor: number; readonly b: ModelValue; readonly c?: ModelValue };

export interface ModelValue {
  readonly kind: 'model';
  readonly base: BaseModel;
  readonly steps: readonly ModelStep[];
  readonly label: string;
}
