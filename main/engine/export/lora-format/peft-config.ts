/**
 * adapter_config.json for a PEFT export, so that PeftModel.from_pretrained loads the directory:
 * `r` / `lora_alpha` are the most common rank / alpha; modules that differ get `rank_pattern` /
 * `alpha_pattern` entries keyed by their full module path (PEFT matches keys with `(.*\.)?key$`, so a full
 * path names exactly one module); `target_modules` lists every module path (exact names, never a suffix that
 * could catch modules the file has no weights for). From the source's own config (when there is one) we keep
 * use_rslora (then alpha = scale·√r), fan_in_fan_out, modules_to_save, base_model_name_or_path, task_type and
 * the fields that do not decide which modules are targeted (lora_dropout, bias, init_lora_weights …).
 * Without a source config, fan_in_fan_out is set for GPT-2 (its Conv1D weights are stored [in, out]).
 */
import type { PeftAdapterConfig } from '../../adapters/types.js';
import type { ArchitectureFamily } from '../../naming/types.js';

export interface PeftConfigModule {
  /** Module path without `base_model.model.` / component prefix (peftConfigPath). */
  readonly path: string;
  readonly rank: number;
  /** alpha / r as the module's delta has it (its displayScale). */
  readonly scale: number;
}

/** Fields of a source config that change which modules get an adapter: ours lists them explicitly, so these become null. */
const TARGETING_FIELDS = new Set(['layers_to_transform', 'layers_pattern', 'exclude_modules', 'target_parameters', 'layer_replication', 'use_dora']);

function mostCommon(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

export function peftAdapterConfig(
  modules: readonly PeftConfigModule[],
  modulesToSave: readonly string[],
  family: ArchitectureFamily,
  source: PeftAdapterConfig | undefined,
): Record<string, unknown> {
  const useRslora = source?.use_rslora ?? false;
  const alphaOf = (m: PeftConfigModule): number => (useRslora ? m.scale * Math.sqrt(m.rank) : m.scale * m.rank);
  const r = mostCommon(modules.map((m) => m.rank)) ?? source?.r ?? 8;
  const loraAlpha = mostCommon(modules.map(alphaOf)) ?? source?.lora_alpha ?? r;
  const rankPattern: Record<string, number> = {};
  const alphaPattern: Record<string, number> = {};
  for (const m of modules) {
    if (m.rank !== r) rankPattern[m.path] = m.rank;
    const a = alphaOf(m);
    if (a !== loraAlpha) alphaPattern[m.path] = a;
  }
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source?.extra ?? {})) kept[k] = TARGETING_FIELDS.has(k) ? null : v;
  const toSave = modulesToSave.length > 0 ? [...(source?.modules_to_save ?? modulesToSave)] : null;
  return {
    ...kept,
    peft_type: 'LORA',
    task_type: source?.task_type ?? null,
    base_model_name_or_path: source?.base_model_name_or_path ?? null,
    r,
    lora_alpha: loraAlpha,
    use_rslora: useRslora,
    use_dora: false,
    fan_in_fan_out: source?.fan_in_fan_out ?? family === 'gpt2',
    target_modules: [...new Set(modules.map((m) => m.path))].sort(),
    rank_pattern: rankPattern,
    alpha_pattern: alphaPattern,
    modules_to_save: toSave,
  };
}
