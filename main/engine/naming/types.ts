/**
 * Architecture detection and key mapping: which base tensor a LoRA module patches, found the way ComfyUI
 * does it (enumerate the base's keys, generate every known LoRA spelling for each, look modules up).
 */
export type ArchitectureFamily =
  | 'sd1'
  | 'sd2'
  | 'sdxl'
  | 'sdxl-refiner'
  | 'sd3'
  | 'flux'
  | 'llama'
  | 'mistral'
  | 'qwen2'
  | 'gpt2'
  | 'bert'
  | 'distilbert'
  | 'unknown';

/**
 * How the checkpoint names its tensors. For adapters (detectAdapterArchitecture) it is the naming style of
 * the module names: 'ldm' (input_blocks…), 'diffusers' (down_blocks…), 'bfl' (double_blocks…), 'hf'.
 */
export type BaseLayout = 'ldm' | 'sgm' | 'diffusers' | 'bfl' | 'hf' | 'unknown';

export interface ArchitectureGuess {
  family: ArchitectureFamily;
  layout: BaseLayout;
  /** Components present: "unet", "te", "te1", "te2", "vae", "transformer", "lm" ... */
  components: string[];
  /** Why we think so (key names and shapes that decided it), for the report. */
  evidence: string[];
}

/** A tensor name with its shape: what detection and key mapping read from a checkpoint or adapter header. */
export interface NamedShape {
  readonly name: string;
  readonly shape: readonly number[];
}

/** A LoRA module as key mapping sees it: its name (AdapterModule.name) and the shape of its ΔW. */
export interface ModuleShape {
  readonly name: string;
  readonly deltaShape: readonly number[];
}

/** Where a module's ΔW goes in the base. */
export interface ModuleTarget {
  /** The base tensor (a weight) the delta is added to. */
  readonly baseKey: string;
  /** Shape of that base tensor. */
  readonly baseShape: readonly number[];
  /** Only rows [start, start+length) of dim 0 (fused q/k/v `in_proj_weight`, Flux `qkv` / `linear1`). */
  readonly slice?: { readonly start: number; readonly length: number };
  /**
   * The base stores this weight transposed relative to nn.Linear (GPT-2 Conv1D, OpenCLIP text_projection):
   * ΔW, which is [out, in], is added as ΔWᵀ. Decided by the base side (a square Conv1D looks like a Linear).
   */
  readonly transpose: boolean;
  /** The base's bias for this module, if any (for `.diff_b` and modules_to_save); with `slice`, the same rows of it. */
  readonly biasKey?: string;
  /**
   * Block label for reports and block weights (shared/blocks/labels.ts): "TE", "TE1", "TE2", "IN00".."IN11",
   * "MID", "OUT00".."OUT11", "UNET", "D00".., "S00".., "FLUX", "L00".., "LM"; "VAE" and "OTHER" for tensors
   * outside those families.
   */
  readonly block: string;
}

/** Which part of a checkpoint a base module belongs to. */
export type ComponentKind = 'unet' | 'te' | 'te1' | 'te2' | 'flux' | 'sd3' | 'lm' | 'vae' | 'other';

/**
 * One patchable unit of a base: a weight, or a row slice of a fused weight (one of q/k/v in `in_proj_weight`).
 * Every LoRA spelling that means this unit resolves to it.
 */
export interface BaseModule {
  /**
   * Dialect-independent module name (canonical.ts): "unet.<diffusers module path>", "te."/"te1."/"te2." +
   * Hugging Face CLIP path, "flux.<BFL module path>", the Hugging Face module path with the model class's
   * prefix for LLMs ("model.layers.0.self_attn.q_proj", "distilbert.transformer.layer.0.attention.q_lin").
   */
  readonly canonical: string;
  /**
   * Set when this unit is a part of the canonical module (diffusers Flux `attn.to_k` is rows [h, 2h) of
   * BFL `img_attn.qkv`): the part starts at startUnits·h rows, h being the input width of the part's ΔW.
   */
  readonly canonicalPart?: { readonly startUnits: number };
  readonly target: ModuleTarget;
  readonly component: ComponentKind;
  /** The spelling kohya sd-scripts writes for this module (SD family, Flux); undefined where kohya has none. */
  readonly kohyaName?: string;
  /** The module path a PEFT / diffusers-PEFT file writes for it; undefined for fused parts without one. */
  readonly peftName?: string;
}

/** Every LoRA spelling of a base's modules, built from the base's own keys (buildKeyMap). */
export interface KeyMap {
  readonly architecture: ArchitectureGuess;
  /** Where the module goes, or undefined when no spelling of any base module is this name. */
  resolve(moduleName: string): ModuleTarget | undefined;
  /** The base module the name resolves to (target plus canonical name), or undefined. */
  lookup(moduleName: string): BaseModule | undefined;
  /** Why `moduleName` does not resolve (or where it goes, when it does): a sentence for the mapping report. */
  explain(moduleName: string): string;
  /** All patchable units of the base, in the base's key order. */
  readonly modules: readonly BaseModule[];
  /** Number of distinct spellings in the map. */
  readonly spellingCount: number;
}

export interface MatchedModule {
  module: string;
  target: ModuleTarget;
}

export interface UnmatchedModule {
  module: string;
  reason: string;
}

/** Modules whose targets overlap on the same base tensor rows; their deltas add (see mapAdapter). */
export interface TargetOverlap {
  baseKey: string;
  modules: string[];
}

export interface MappingReport {
  /** The base's architecture. */
  architecture: ArchitectureGuess;
  /** What the adapter's own names and shapes say it was trained for (mapAdapter fills it). */
  adapterArchitecture?: ArchitectureGuess;
  matched: MatchedModule[];
  unmatched: UnmatchedModule[];
  /** Matched module count per block label, in block order. */
  perBlock: { block: string; count: number }[];
  /** Matched modules that patch overlapping rows of one base tensor (allowed: their deltas add). */
  overlaps?: TargetOverlap[];
}
