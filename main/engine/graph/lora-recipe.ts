/** The recipe Save LoRA stores: the LoRA's input files (hashed when hashing is on) and what made the LoRA. */
import { hashInput, recipe, recipeSlotWidth, type RecipeInput } from '../export/recipe.js';
import type { FileHasher } from '../tensor-io/hash-cache.js';
import type { LoraValue } from '../values/lora-value.js';

/** `hasher`: where the input hashes are computed (Save LoRA: a worker, while the others compute the LoRA). */
export async function loraRecipe(lora: LoraValue, params: Record<string, unknown>, hash: boolean, signal?: AbortSignal, hasher?: FileHasher): Promise<Record<string, unknown>> {
  const inputs: RecipeInput[] = [];
  for (const file of lora.inputs) {
    const role = lora.inputRoles?.[file] ?? 'lora';
    inputs.push(hash ? await hashInput(role, file, [file], {}, signal, hasher) : { role, path: file, files: [] });
  }
  return recipe(inputs, { ...params, lora: lora.label, modules: lora.modules.length });
}

/** The header slot `loraRecipe(lora, params, true)` fits in. */
export function loraRecipeWidth(lora: LoraValue, params: Record<string, unknown>): number {
  return recipeSlotWidth(lora.inputs.map((file) => ({ role: lora.inputRoles?.[file] ?? 'lora', path: file, files: [file] })), { ...params, lora: lora.label, modules: lora.modules.length });
}
