/**
 * The canonical module model every LoRA dialect is read into. A LoadedAdapter is lazy: modules say where
 * their parameters live in the adapter's TensorSource; nothing is read until a delta or factors are asked for.
 */
import type { TensorSource } from '../tensor-io/tensor-source.js';

export type AdapterDialect =
  | 'kohya' // lora_unet_* / lora_te*_ with .lora_down/.lora_up/.alpha (also LoCon, Tucker)
  | 'diffusers-attnproc' // …attn1.processor.to_q_lora.down.weight
  | 'diffusers' // ….lora.down.weight / lora_linear_layer
  | 'peft' // lora_A / lora_B (PEFT and diffusers-PEFT)
  | 'lycoris' // LoHa, LoKr, full diffs, dora_scale
  | 'unknown';

/** Where a module's parameters live: values are tensor names in the adapter's TensorSource. */
export type ModuleParams =
  /** ΔW = up · down (conv: up [out,r,1,1], down [r,in,kh,kw]); Tucker: up · mid · down with mid [r,r,kh,kw]. */
  | { kind: 'lora'; down: string; up: string; mid?: string }
  /** LoHa: ΔW = (w1a·w1b) ⊙ (w2a·w2b); Tucker variants use t1/t2. */
  | { kind: 'loha'; w1a: string; w1b: string; w2a: string; w2b: string; t1?: string; t2?: string }
  /** LoKr: ΔW = kron(w1, w2), each either full or a low-rank pair; t2 for Tucker. */
  | { kind: 'lokr'; w1?: string; w1a?: string; w1b?: string; w2?: string; w2a?: string; w2b?: string; t2?: string }
  /** Full patch: ΔW given densely (`.diff`), optionally a bias delta (`.diff_b`). */
  | { kind: 'full'; diff?: string; diffBias?: string }
  /** PEFT modules_to_save: tensors that replace the base's, by parameter name ("weight", "bias"). */
  | { kind: 'replace'; tensors: Readonly<Record<string, string>> };

export type AdapterModuleKind = ModuleParams['kind'];

export interface AdapterModule {
  /**
   * The module path as the file spells it, with the dialect's parameter suffixes removed and dialect
   * rewrites applied (attention-processor `to_out_lora` → `to_out.0`), otherwise unchanged:
   * "lora_unet_down_blocks_0_attentions_0_proj_in", "unet.down_blocks.0.attentions.0.proj_in",
   * "base_model.model.distilbert.transformer.layer.0.attention.q_lin". naming/ resolves it to a base key.
   */
  readonly name: string;
  readonly dialect: AdapterDialect;
  readonly params: ModuleParams;
  /** Every tensor of the file this module consumed (for the mapping report). */
  readonly keys: readonly string[];
  /** Inner rank (lora: rows of down); undefined where the kind has none. */
  readonly rank: number | undefined;
  /**
   * alpha as found (a stored tensor of any dtype, or the PEFT config); undefined when missing. Kinds without a
   * divisor (full diffs; LyCORIS LoKr with full w1 and w2) report it but ignore it: their scale is 1.
   */
  readonly alpha: number | undefined;
  /** Where `alpha` came from: a `.alpha` tensor, the PEFT config (`lora_alpha`, or a matching alpha_pattern key), or nowhere. */
  readonly alphaSource: AlphaSource;
  /** Multiplier on the raw product: alpha/r, alpha/√r (rsLoRA), or 1 when alpha is missing. */
  readonly scale: number;
  /**
   * Shape of ΔW as this module produces it: [out, in] or [out, in, kh, kw] (before any transpose). LoHa/LoKr on a
   * conv layer without Tucker store 2-D factors, so their deltaShape is [out, in·kh·kw]: reshape onto the base by
   * element count, as ComfyUI does. Full diffs keep the stored shape (1-D for norm layers).
   */
  readonly deltaShape: readonly number[];
  /** PEFT fan_in_fan_out (GPT-2 Conv1D): the base weight is [in, out], so ΔW is transposed onto it. */
  readonly fanInFanOut: boolean;
  /** PEFT lora_embedding_A/B: ΔW = (B·A)ᵀ onto an [vocab, dim] embedding. */
  readonly embedding: boolean;
  /**
   * DoRA: W' = m ⊙ (W + s·ΔW) / (‖W + s·ΔW‖ + epsilon), in module orientation. `key` holds m, used as stored.
   * `norm` says over which axis the norm runs: "rows" = one norm per output row (PEFT lora_magnitude_vector,
   * including embeddings whose module orientation is B·A; LyCORIS dora_scale [out,1,…] = wd_on_out);
   * "cols" = one norm per input channel over all rows and kernel taps (LyCORIS dora_scale [1,in,…]).
   * epsilon: 0 for PEFT, fp32 machine epsilon (2⁻²³) for LyCORIS/ComfyUI. See applyDoRA.
   */
  readonly dora?: DoraSpec;
}

export type AlphaSource = 'tensor' | 'config' | 'config-pattern' | 'none';

export interface DoraSpec {
  readonly key: string;
  readonly norm: 'rows' | 'cols';
  readonly epsilon: number;
  readonly convention: 'peft' | 'lycoris';
}

export interface UnusedKey {
  key: string;
  reason: string;
}

/** PEFT's adapter_config.json, the fields we use (validated with zod on load). */
export interface PeftAdapterConfig {
  r: number;
  lora_alpha: number;
  use_rslora: boolean;
  use_dora: boolean;
  fan_in_fan_out: boolean;
  target_modules: string[] | string | null;
  rank_pattern: Record<string, number>;
  alpha_pattern: Record<string, number>;
  modules_to_save: string[] | null;
  base_model_name_or_path?: string | null;
  task_type?: string | null;
  peft_type?: string;
  /** Everything else in the file, kept for round trips. */
  extra: Record<string, unknown>;
}

export interface LoadedAdapter {
  /** What the user gave: a file or a PEFT directory. */
  readonly path: string;
  readonly source: TensorSource;
  /** Dialects seen, most common first. */
  readonly dialects: readonly AdapterDialect[];
  readonly modules: readonly AdapterModule[];
  /** Tensors that belong to no module, with why (unknown suffix, orphan up without down, ...). */
  readonly unusedKeys: readonly UnusedKey[];
  readonly metadata: Readonly<Record<string, string>>;
  /** The PEFT config that applies to the whole file (adapter_config.json, or diffusers' unprefixed `lora_adapter_metadata`). */
  readonly peftConfig?: PeftAdapterConfig;
  /** diffusers pipelines store one config per component in `lora_adapter_metadata` ("unet", "text_encoder", "transformer" ...). */
  readonly componentConfigs?: Readonly<Record<string, PeftAdapterConfig>>;
  /** Where the config came from, when there is one. */
  readonly configSource?: string;
  /** Decisions a user should know about (no config so scale 1, config beside the file used, alpha 0 ...), one line each. */
  readonly notes: readonly string[];
}

/** Low-rank factors of a module with the module's scale NOT applied: ΔW = scale · up · down. */
export interface LowRankFactors {
  /** [out, r] row-major. */
  up: Float32Array;
  /** [r, inFlat] row-major, inFlat = in·kh·kw. */
  down: Float32Array;
  rank: number;
  out: number;
  inFlat: number;
}
