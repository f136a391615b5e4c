/**
 * The recipe Save Model stores in its output: the base, every step (LoRAs with strengths, task-vector merges,
 * selections, model merges) in order, and the input files with their hashes when hashing is on (computed while
 * the tensors stream: the slot is reserved in the header).
 */
import { hashInput, recipe, recipeSlotWidth, type RecipeInput } from '../export/recipe.js';
import type { FileHasher } from '../tensor-io/hash-cache.js';
import type { ModelStep, ModelValue } from '../values/model-value.js';

function stepDescription(step: ModelStep): Record<string, unknown> {
  switch (step.type) {
    case 'apply':
      return { type: 'apply-lora', lora: step.applied.lora.label, strength: step.applied.strength, matched: step.applied.mapping.matched.length };
    case 'merge':
      return { type: 'task-vector-merge', ...step.options, loras: step.members.map((m) => ({ lora: m.lora.label, weight: m.strength })) };
    case 'select':
      return { type: 'select-layers', effect: step.effect, tensors: step.keys.length };
    case 'merge-models':
      return { type: 'merge-models', mode: step.mode, factor: step.factor, b: step.b.label, ...(step.c ? { c: step.c.label } : {}) };
  }
}

interface InputRef {
  role: string;
  path: string;
  files: readonly string[];
  extra: Record<string, unknown>;
}

function modelRefs(model: ModelValue, role: string): InputRef[] {
  const refs: InputRef[] = [{ role, path: model.base.path, files: model.base.source.files, extra: {} }];
  for (const step of model.steps) {
    if (step.type === 'apply' && step.applied.lora.inputs.length > 0) {
      refs.push({ role: 'lora', path: step.applied.lora.inputs[0]!, files: step.applied.lora.inputs, extra: { strength: step.applied.strength } });
    } else if (step.type === 'merge') {
      for (const m of step.members) if (m.lora.inputs.length > 0) refs.push({ role: 'lora', path: m.lora.inputs[0]!, files: m.lora.inputs, extra: { weight: m.strength } });
    } else if (step.type === 'merge-models') {
      refs.push(...modelRefs(step.b, 'merge-b'));
      if (step.c) refs.push(...modelRefs(step.c, 'merge-c'));
    }
  }
  return refs;
}

/** `hasher`: where the input hashes are computed (Save Model: a worker, while the others write the model). */
export async function modelRecipe(model: ModelValue, params: Record<string, unknown>, hash: boolean, signal?: AbortSignal, hasher?: FileHasher): Promise<Record<string, unknown>> {
  const refs = modelRefs(model, 'base');
  const inputs: RecipeInput[] = [];
  // One input at a time (a graph may load thousands).
  for (const r of refs) inputs.push(hash ? await hashInput(r.role, r.path, r.files, r.extra, signal, hasher) : { role: r.role, path: r.path, files: [], ...r.extra });
  return recipe(inputs, { ...params, steps: model.steps.map(stepDescription) });
}

/** The header slot `modelRecipe(model, params, true)` fits in. */
export function modelRecipeWidth(model: ModelValue, params: Record<string, unknown>): number {
  return recipeSlotWidth(modelRefs(model, 'base'), { ...params, steps: model.steps.map(stepDescription) });
}
