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

/** How the base checkpoint names its tensors. */
export type BaseLayout = 'ldm' | 'sgm' | 'diffusers' | 'bfl' | 'hf' | 'unknown';

export interface ArchitectureGuess {
  family: ArchitectureFamily;
  layout: BaseLayout;
  /** Components present: "unet", "te1", "te2", "vae", "transformer", "lm" ... */
  components: string[];
  /** Why we think so (key names and shapes that decided it), for the report. */
  evidence: string[];
}

/** Where a module's ΔW goes in the base. */
export interface ModuleTarget {
  /** The base tensor (a weight) the delta is added to. */
  readonly baseKey: string;
  /** Shape of that base tensor. */
  readonly baseShape: readonly number[];
  /** Only rows [start, start+length) of dim 0 (fused q/k/v `in_proj_weight`, Flux `qkv` / `linear1`). */
  readonly slice?: { readonly start: number; readonly length: number };
  /** The base stores this weight transposed relative to nn.Linear (GPT-2 Conv1D, SDXL text_projection). */
  readonly transpose: boolean;
  /** The base's bias for this module, if any (for `.diff_b` and modules_to_save). */
  readonly biasKey?: string;
  /** Human block label for reports: "TE", "TE2", "IN04", "MID", "OUT05", "double_blocks.3", "layers.3" ... */
  readonly block: string;
}

export interface MatchedModule {
  module: string;
  target: ModuleTarget;
}

export interface UnmatchedModule {
  module: string;
  reason: string;
}

export interface MappingReport {
  architecture: ArchitectureGuess;
  matched: MatchedModule[];
  unmatched: UnmatchedModule[];
  /** Matched module count per block label, in block order. */
  perBlock: { block: string; count: number }[];
}
