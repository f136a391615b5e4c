/** Opening inputs as graph values: a base checkpoint as a BaseModel, a LoRA file or PEFT directory as a LoraValue. */
import { loadAdapter } from '../adapters/load-adapter.js';
import { refuseNonFinite } from '../adapters/non-finite.js';
import { buildKeyMap } from '../naming/key-map.js';
import { openCheckpoint } from '../tensor-io/open-checkpoint.js';
import { loraValueFromAdapter } from '../values/from-adapter.js';
import type { LoraValue } from '../values/lora-value.js';
import type { BaseModel, ModelValue } from '../values/model-value.js';
import path from 'node:path';

export async function openBaseModel(input: string): Promise<BaseModel> {
  const source = await openCheckpoint(input);
  try {
    return { path: input, source, keyMap: buildKeyMap(source.entries) };
  } catch (err) {
    await source.close();
    throw err;
  }
}

export function modelFromBase(base: BaseModel): ModelValue {
  return { kind: 'model', base, steps: [], label: path.basename(base.path) };
}

export interface LoadLoraOptions {
  /** Accept NaN / Inf in factors and alpha (refused by default: see adapters/non-finite.ts). */
  readonly allowNonFinite?: boolean;
  /** Read headers only: no scan of the values (validation, which runs on every edit). */
  readonly headersOnly?: boolean;
}

/** Loads the adapter's header and config; the LoraValue's modules re-open the file by path when computed. */
export async function loadLora(input: string, signal?: AbortSignal, options: LoadLoraOptions = {}): Promise<LoraValue> {
  const adapter = await loadAdapter(input, { signal });
  try {
    if (!options.allowNonFinite && !options.headersOnly) await refuseNonFinite(adapter, signal);
    return loraValueFromAdapter(adapter);
  } finally {
    await adapter.source.close();
  }
}
