/**
 * Flux spellings (ComfyUI's flux_to_diffusers keys): on a BFL base every weight gets kohya's
 * "lora_unet_<flattened BFL path>" and generic names, and the diffusers modules inside it get
 * "transformer.<diffusers path>" / OneTrainer's "lora_transformer_…" / SimpleTuner's "lycoris_…", as row
 * slices where BFL fuses them (qkv = [q, k, v]; linear1 = [q, k, v, mlp]). On a diffusers base the same
 * names resolve onto the separate tensors; BFL names resolve where a BFL module is one whole diffusers tensor.
 */
import type { ComponentPlan } from '../components.js';
import { bflToDiffusers, diffusersToBfl, fluxBlock, partRows } from '../flux-paths.js';
import { flat, isPatchableWeightKey, splitKey } from '../key-names.js';
import { moduleOf, type ModuleRegistry } from '../registry.js';

type FluxPlan = Extract<ComponentPlan, { kind: 'flux-bfl' | 'flux-diffusers' }>;

function diffusersSpellings(path: string): string[] {
  return [`transformer.${path}`, path, `lora_transformer_${flat(path)}`, `lycoris_${flat(path)}`, `base_model.model.${path}`];
}

function bflSpellings(path: string): string[] {
  return [`lora_unet_${flat(path)}`, `diffusion_model.${path}`, `model.diffusion_model.${path}`, path, `flux.${path}`];
}

export function addFluxSpellings(reg: ModuleRegistry, keys: readonly string[], plan: FluxPlan): void {
  for (const key of keys) {
    if (!key.startsWith(plan.prefix)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    const path = module.slice(plan.prefix.length);
    const block = fluxBlock(path);
    if (plan.kind === 'flux-bfl') {
      const inside = bflToDiffusers(path);
      const spellings = new Set([module, ...bflSpellings(path)]);
      const whole = inside.filter((c) => !c.part && !c.swapHalves);
      for (const c of whole) for (const s of diffusersSpellings(c.path)) spellings.add(s);
      reg.add(
        moduleOf('flux', `flux.${path}`, reg.target(key, block), {
          kohya: `lora_unet_${flat(path)}`,
          peft: whole.length === 1 ? `transformer.${whole[0]!.path}` : undefined,
        }),
        spellings,
      );
      const shape = reg.shapes.get(key) ?? [];
      for (const c of inside) {
        if (!c.part) continue;
        const slice = partRows(c.part, shape[1] ?? 0, shape[0] ?? 0);
        reg.add(
          moduleOf('flux', `flux.${path}`, reg.target(key, block, { slice }), { peft: `transformer.${c.path}`, startUnits: c.part.startUnits }),
          diffusersSpellings(c.path),
        );
      }
      continue;
    }
    const bfl = diffusersToBfl(path);
    const spellings = new Set([module, ...diffusersSpellings(path)]);
    const wholeBfl = bfl !== undefined && !bfl.part && !bfl.swapHalves;
    if (wholeBfl) for (const s of bflSpellings(bfl.path)) spellings.add(s);
    reg.add(
      moduleOf('flux', `flux.${bfl && !bfl.swapHalves ? bfl.path : path}`, reg.target(key, block), {
        kohya: wholeBfl ? `lora_unet_${flat(bfl.path)}` : undefined,
        peft: `transformer.${path}`,
        startUnits: bfl?.part?.startUnits,
      }),
      spellings,
    );
  }
}
