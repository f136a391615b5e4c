/**
 * diffusers (≥ 0.34) stores the PEFT LoraConfig in the safetensors metadata under `lora_adapter_metadata`:
 * either one config (a model's save_lora_adapter) or, from a pipeline, one per component with keys prefixed
 * "unet.r", "transformer.lora_alpha", ... Without it a diffusers-PEFT file's alpha would be lost.
 */
import { AdapterError } from './errors.js';
import { parsePeftConfig } from './peft-config.js';
import type { PeftAdapterConfig } from './types.js';

export const LORA_ADAPTER_METADATA_KEY = 'lora_adapter_metadata';

export interface MetadataConfigs {
  whole?: PeftAdapterConfig;
  components: Record<string, PeftAdapterConfig>;
}

export function configsFromMetadata(metadata: Readonly<Record<string, string>>, file: string): MetadataConfigs | undefined {
  const raw = metadata[LORA_ADAPTER_METADATA_KEY];
  if (raw === undefined) return undefined;
  const where = `${file} (metadata "${LORA_ADAPTER_METADATA_KEY}")`;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new AdapterError('bad-config', { file: where, cause: err, hint: 'The LoRA config diffusers stored in the metadata is not valid JSON; the scale cannot be known.' }, 'cannot parse the embedded LoRA config.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AdapterError('bad-config', { file: where }, 'the embedded LoRA config is not a JSON object.');
  }
  const obj = value as Record<string, unknown>;
  if ('r' in obj || 'lora_alpha' in obj) return { whole: parsePeftConfig(obj, where), components: {} };
  const grouped = new Map<string, Record<string, unknown>>();
  for (const [k, v] of Object.entries(obj)) {
    const dot = k.indexOf('.');
    if (dot <= 0) continue;
    const prefix = k.slice(0, dot);
    let g = grouped.get(prefix);
    if (!g) grouped.set(prefix, (g = {}));
    g[k.slice(dot + 1)] = v;
  }
  const components: Record<string, PeftAdapterConfig> = {};
  for (const [prefix, g] of grouped) components[prefix] = parsePeftConfig(g, `${where}, component "${prefix}"`);
  return { components };
}
