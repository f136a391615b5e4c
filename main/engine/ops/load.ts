/** Opening inputs as graph values: a base checkpoint as a BaseModel, a LoRA file or PEFT directory as a LoraValue. */
import { loadAdapter } from '../adapters/load-adapter.js';
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

/** Loads the adapter's header and config; the LoraValue's modules re-open the file by path when computed. */
export async function loadLora(input: string, signal?: AbortSignal): Promise<LoraValue> {
  const adapter = await loadAdapter(input, { signal });
  try {
    return loraValueFromAdapter(adapter);
  } finally {
    await adapter.source.close();
  }
}
