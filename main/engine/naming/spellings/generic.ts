/**
 * Everything no component generator claimed (a VAE, an unknown architecture such as SD3's MMDiT, extra
 * tensors): the full module path, with and without PEFT's "base_model.model." wrapper, as ComfyUI's generic
 * key format does; a diffusion model's weights also get kohya's "lora_unet_" + flattened path.
 */
import type { ComponentPlan } from '../components.js';
import { flat, isPatchableWeightKey, splitKey } from '../key-names.js';
import { moduleOf, type ModuleRegistry } from '../registry.js';

type VaePlan = Extract<ComponentPlan, { kind: 'vae' }>;

export function addVaeSpellings(reg: ModuleRegistry, keys: readonly string[], plan: VaePlan): void {
  for (const key of keys) {
    if (!key.startsWith(plan.prefix) || reg.claimed.has(key)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    reg.add(moduleOf('vae', `vae.${module.slice(plan.prefix.length)}`, reg.target(key, 'VAE')), [module]);
  }
}

export function addGenericSpellings(reg: ModuleRegistry, keys: readonly string[]): void {
  for (const key of keys) {
    if (reg.claimed.has(key) || !isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    const spellings = [module, `base_model.model.${module}`];
    const diffusion = /^(?:model\.)?diffusion_model\.(.+)$/.exec(module);
    if (diffusion) spellings.push(`lora_unet_${flat(diffusion[1]!)}`, `diffusion_model.${diffusion[1]!}`, diffusion[1]!);
    reg.add(moduleOf('other', module, reg.target(key, 'OTHER')), spellings);
  }
}
