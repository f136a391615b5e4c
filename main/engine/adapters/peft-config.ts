/**
 * PEFT's adapter_config.json (and the same object diffusers embeds in safetensors metadata), validated
 * with zod. Fields we do not use are kept in `extra` so nothing is lost on a round trip.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { jsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../../../shared/json/index.js';
import { AdapterError } from './errors.js';
import type { PeftAdapterConfig } from './types.js';

const patternSchema = z.record(z.string(), z.number().finite()).nullish().transform((v) => v ?? {});

// Defaults are PEFT's LoraConfig defaults, so a config written by an older PEFT (fields absent) reads the same.
const configSchema = z.object({
  r: z.number().int().positive().default(8),
  lora_alpha: z.number().finite().default(8),
  use_rslora: z.boolean().nullish().transform((v) => v ?? false),
  use_dora: z.boolean().nullish().transform((v) => v ?? false),
  fan_in_fan_out: z.boolean().nullish().transform((v) => v ?? false),
  target_modules: z.union([z.array(z.string()), z.string()]).nullish().transform((v) => v ?? null),
  rank_pattern: patternSchema,
  alpha_pattern: patternSchema,
  modules_to_save: z.array(z.string()).nullish().transform((v) => v ?? null),
  base_model_name_or_path: z.string().nullish(),
  task_type: z.string().nullish(),
  peft_type: z.string().optional(),
});

const KNOWN_FIELDS = new Set(Object.keys(configSchema.shape));

/** Validates a parsed JSON value as a PEFT config; `where` names the file (and key) in errors. */
export function parsePeftConfig(value: unknown, where: string): PeftAdapterConfig {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AdapterError('bad-config', { file: where, hint: 'adapter_config.json must hold one JSON object, as PEFT writes it.' }, 'the PEFT config is not a JSON object.');
  }
  const result = configSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.') || '(root)';
    throw new AdapterError('bad-config', { file: where, hint: 'Fix or remove the field; PEFT writes r as an integer and lora_alpha as a number.' }, `PEFT config field "${field}": ${issue.message}.`);
  }
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!KNOWN_FIELDS.has(k)) extra[k] = v;
  const c = result.data;
  return {
    r: c.r,
    lora_alpha: c.lora_alpha,
    use_rslora: c.use_rslora,
    use_dora: c.use_dora,
    fan_in_fan_out: c.fan_in_fan_out,
    target_modules: c.target_modules,
    rank_pattern: c.rank_pattern,
    alpha_pattern: c.alpha_pattern,
    modules_to_save: c.modules_to_save,
    ...(c.base_model_name_or_path !== undefined ? { base_model_name_or_path: c.base_model_name_or_path } : {}),
    ...(c.task_type !== undefined ? { task_type: c.task_type } : {}),
    ...(c.peft_type !== undefined ? { peft_type: c.peft_type } : {}),
    extra,
  };
}

export function parsePeftConfigText(text: string, where: string): PeftAdapterConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AdapterError('bad-config', { file: where, cause: err, hint: 'The file is not valid JSON.' }, `cannot parse the PEFT config: ${(err as Error).message}`);
  }
  // Unknown fields are kept and later serialised (recursively): absurd nesting is refused here.
  if (jsonDepth(value) > MAX_JSON_DEPTH) throw new AdapterError('bad-config', { file: where, hint: 'The file is damaged or was not written by PEFT.' }, tooDeepMessage('the PEFT config'));
  return parsePeftConfig(value, where);
}

export async function readPeftConfig(file: string): Promise<PeftAdapterConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AdapterError('not-found', { file, cause: err }, 'cannot read the PEFT config.');
  }
  return parsePeftConfigText(text, file);
}

/** LoHa/LoKr configs (PEFT LycorisConfig) name their alpha `alpha`, not `lora_alpha`. */
export function configAlpha(config: PeftAdapterConfig): number {
  const lycoris = config.peft_type === 'LOHA' || config.peft_type === 'LOKR';
  const alpha = config.extra.alpha;
  return lycoris && typeof alpha === 'number' ? alpha : lycoris ? 8 : config.lora_alpha;
}
