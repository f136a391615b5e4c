/**
 * What `inspectFile` returns (and `lora-studio inspect --json` prints): enough for the inspector panel
 * of Load Model / Load LoRA and for people asking "why did this LoRA key not load?".
 */
import { z } from 'zod';

/** Architecture families the naming area detects (main/engine/naming ArchitectureFamily mirrors this). */
export const ARCHITECTURE_FAMILIES = ['sd1', 'sd2', 'sdxl', 'sdxl-refiner', 'sd3', 'flux', 'llama', 'mistral', 'qwen2', 'gpt2', 'bert', 'distilbert', 'unknown'] as const;
export const BASE_LAYOUTS = ['ldm', 'sgm', 'diffusers', 'bfl', 'hf', 'unknown'] as const;
/** LoRA dialects (main/engine/adapters AdapterDialect mirrors this). */
export const ADAPTER_DIALECTS = ['kohya', 'diffusers-attnproc', 'diffusers', 'peft', 'lycoris', 'unknown'] as const;
export const ADAPTER_MODULE_KINDS = ['lora', 'loha', 'lokr', 'full', 'replace'] as const;

export const architectureSchema = z.object({
  family: z.enum(ARCHITECTURE_FAMILIES),
  layout: z.enum(BASE_LAYOUTS),
  /** "unet", "te1", "te2", "vae", "transformer", "lm" ... */
  components: z.array(z.string()),
  /** The names and shapes that decided it. */
  evidence: z.array(z.string()),
});

const count = z.number().int().nonnegative();

export const loraInspectionSchema = z.object({
  dialects: z.array(z.enum(ADAPTER_DIALECTS)),
  moduleCount: count,
  kinds: z.array(z.object({ kind: z.enum(ADAPTER_MODULE_KINDS), count })),
  /** Rank histogram (null: kinds without a rank). */
  ranks: z.array(z.object({ rank: z.number().int().nullable(), count })),
  /** Alpha histogram (null: alpha missing, scale 1). */
  alphas: z.array(z.object({ alpha: z.number().nullable(), count })),
  rsLora: z.boolean(),
  dora: z.boolean(),
  /** Modules on convolutions (LoCon). */
  conv: z.boolean(),
  modulesPerBlock: z.array(z.object({ block: z.string(), count })),
  /** Tensors that belong to no module, with why. */
  unusedKeys: z.array(z.object({ key: z.string(), reason: z.string() })),
  /** PEFT adapter_config.json as read. */
  peftConfig: z.record(z.string(), z.json()).optional(),
});

export const mappingInspectionSchema = z.object({
  base: z.string(),
  architecture: architectureSchema,
  matched: count,
  perBlock: z.array(z.object({ block: z.string(), matched: count })),
  unmatched: z.array(z.object({ module: z.string(), reason: z.string() })),
});

export const hashesSchema = z.object({
  /** sha256 of the whole file (hex). */
  sha256: z.string(),
  /** Civitai AutoV2: the first 10 hex digits of sha256. */
  autoV2: z.string(),
  /** kohya sshs_model_hash: sha256 of the bytes after the header. */
  sshsModelHash: z.string().optional(),
});

export const inspectionResultSchema = z.object({
  path: z.string(),
  kind: z.enum(['lora', 'model', 'unknown']),
  container: z.enum(['safetensors', 'sharded-safetensors', 'peft-directory']),
  /** The shards of a sharded checkpoint, else [path]. */
  files: z.array(z.string()),
  bytes: count,
  tensorCount: count,
  parameterCount: count,
  dtypes: z.array(z.object({ dtype: z.string(), tensors: count, bytes: count })),
  architecture: architectureSchema,
  /** Present for LoRAs. */
  lora: loraInspectionSchema.optional(),
  /** Models: tensors per block label. */
  tensorsPerBlock: z.array(z.object({ block: z.string(), count })).optional(),
  /** `__metadata__` as stored (kohya ss_*, modelspec.*, our recipe ...). */
  metadata: z.record(z.string(), z.string()),
  /** Absent when not asked for (hashing a large checkpoint takes a while). */
  hashes: hashesSchema.optional(),
  /** When inspected against a base model. */
  mapping: mappingInspectionSchema.optional(),
  warnings: z.array(z.string()),
});

export const inspectRequestSchema = z.object({
  path: z.string().min(1),
  /** A base checkpoint to map the LoRA onto (fills `mapping`). */
  base: z.string().min(1).optional(),
  hashes: z.boolean().optional(),
});

export type InspectRequest = z.infer<typeof inspectRequestSchema>;
export type InspectionResult = z.infer<typeof inspectionResultSchema>;
export type ArchitectureInfo = z.infer<typeof architectureSchema>;
