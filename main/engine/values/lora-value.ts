/**
 * The `lora` value that flows on graph edges (DESIGN.md §3): a set of modules, each able to produce its
 * delta or factors on demand. Nothing big is held here: file-backed modules are read when a sink pulls them.
 */
import type { AdapterModuleKind, PeftAdapterConfig } from '../adapters/types.js';
import type { ArchitectureGuess } from '../naming/types.js';
import type { ModuleSource } from '../module-source/source-types.js';

// The module-source tree is defined beside its interpreter; values carry it.
export type { CombineMember, DynamicRankMethod, KohyaMergeMember, ModuleSource, RankRule, TaskMergeMember } from '../module-source/source-types.js';

export interface LoraModuleValue {
  /** The module's name as its source spells it: what naming/ resolves against a base. */
  readonly name: string;
  /** Dialect-independent name (naming canonicalModule) for LoRA-only alignment; undefined if unknown. */
  readonly canonical?: string;
  /** Block label ("IN04", "TE1", "L03" ...) when known without a base; used by block weights and reports. */
  readonly block?: string;
  readonly kind: AdapterModuleKind;
  /** ΔW shape in module orientation ([out, in] or [out, in, kh, kw]). */
  readonly deltaShape: readonly number[];
  readonly rank: number | undefined;
  /** alpha / r (or its variants) of the source; informational: the source applies it. */
  readonly scale: number;
  /** ΔW is applied transposed onto its base weight (PEFT embeddings: the delta is (B·A)ᵀ). */
  readonly embedding: boolean;
  /** DoRA module: not a plain additive delta (bakes with the base weight; refuses linear combination). */
  readonly dora: boolean;
  /** Product of the strengths applied by Scale / Block Weights on top of the source's own scale. */
  readonly strength: number;
  readonly source: ModuleSource;
  /** kind 'replace' (PEFT modules_to_save): the source file's tensor for each base parameter ("weight", "bias"). */
  readonly replaceTensors?: Readonly<Record<string, string>>;
}

export interface LoraValue {
  readonly kind: 'lora';
  /** For messages and reports: the file name, or the node that made it. */
  readonly label: string;
  /** What the modules' names and shapes say the LoRA was made for. */
  readonly architecture: ArchitectureGuess;
  readonly modules: readonly LoraModuleValue[];
  /** Files this value reads (for output-is-input checks and the recipe). */
  readonly inputs: readonly string[];
  /** The recipe role of each input that is not a LoRA file (extract's checkpoints: 'base', 'tuned'); others are 'lora'. */
  readonly inputRoles?: Readonly<Record<string, string>>;
  /** Tensors of the source that are not part of any module, with why (mapping reports show them). */
  readonly unusedKeys: readonly { key: string; reason: string }[];
  /**
   * The PEFT config of the source file (adapter_config.json or diffusers metadata), when there is one: Save LoRA
   * keeps its fan_in_fan_out, use_rslora, modules_to_save, base model and task type.
   */
  readonly peftConfig?: PeftAdapterConfig;
}

/** Same LoRA with every module's strength multiplied (Scale LoRA; per-module factors for Block Weights). */
export function scaleLora(lora: LoraValue, factor: number | ((m: LoraModuleValue) => number), label?: string): LoraValue {
  const f = typeof factor === 'number' ? () => factor : factor;
  return {
    ...lora,
    label: label ?? lora.label,
    modules: lora.modules.map((m) => ({ ...m, strength: m.strength * f(m) })),
  };
}
