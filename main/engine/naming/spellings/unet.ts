/**
 * UNet spellings (ComfyUI's model_lora_keys_unet): every base UNet weight gets its kohya names in both
 * LDM and diffusers flattening ("lora_unet_input_blocks_4_1_…" as kohya writes SDXL,
 * "lora_unet_down_blocks_1_attentions_0_…" as it writes SD1/SD2), the diffusers and PEFT paths with and
 * without "unet.", the old attention-processor paths, and generic full names.
 */
import type { ComponentPlan } from '../components.js';
import { flat, isPatchableWeightKey, splitKey } from '../key-names.js';
import { moduleOf, type ModuleRegistry } from '../registry.js';
import type { ArchitectureFamily } from '../types.js';
import { diffusersUnetToLdm, ldmUnetBlock, ldmUnetToDiffusers } from '../unet-paths.js';

type UnetPlan = Extract<ComponentPlan, { kind: 'unet-ldm' | 'unet-diffusers' }>;

/** Old diffusers attention processors: "…attn1.processor.to_q", and "…processor.to_out" for to_out.0. */
function attentionProcessorSpellings(diffusersPath: string): string[] {
  if (!/\.attn\d\.to_(q|k|v|out\.0)$/.test(diffusersPath)) return [];
  const proc = diffusersPath.replace(/\.to_(q|k|v|out)(\.0)?$/, '.processor.to_$1');
  return [proc, `unet.${proc}`];
}

export function addUnetSpellings(reg: ModuleRegistry, keys: readonly string[], plan: UnetPlan, family: ArchitectureFamily): void {
  const structure = {
    numResBlocks: plan.numResBlocks,
    upBlockHasAttention: (level: number) => (plan.kind === 'unet-diffusers' ? plan.upBlocksWithAttention.has(level) : true),
  };
  // kohya sd-scripts names SDXL modules by the SGM (LDM) model, SD1/SD2 modules by the diffusers model.
  const kohyaUsesLdm = family === 'sdxl' || family === 'sdxl-refiner';
  for (const key of keys) {
    if (!key.startsWith(plan.prefix)) continue;
    reg.claimed.add(key);
    if (!isPatchableWeightKey(key)) continue;
    const { module } = splitKey(key);
    const path = module.slice(plan.prefix.length);
    const ldm = plan.kind === 'unet-ldm' ? path : diffusersUnetToLdm(path, structure);
    const diffusers = plan.kind === 'unet-diffusers' ? path : ldmUnetToDiffusers(path, plan.numResBlocks);
    const spellings = new Set<string>([module, path]);
    if (ldm !== undefined) {
      for (const s of [`lora_unet_${flat(ldm)}`, `diffusion_model.${ldm}`, `model.diffusion_model.${ldm}`, ldm]) spellings.add(s);
    }
    if (diffusers !== undefined) {
      for (const s of [`lora_unet_${flat(diffusers)}`, `lycoris_${flat(diffusers)}`, diffusers, `unet.${diffusers}`, `base_model.model.${diffusers}`]) spellings.add(s);
      for (const s of attentionProcessorSpellings(diffusers)) spellings.add(s);
    }
    const kohyaPath = kohyaUsesLdm ? (ldm ?? diffusers) : (diffusers ?? ldm);
    reg.add(
      moduleOf('unet', `unet.${diffusers ?? ldm ?? path}`, reg.target(key, ldm !== undefined ? ldmUnetBlock(ldm) : 'UNET'), {
        kohya: kohyaPath !== undefined ? `lora_unet_${flat(kohyaPath)}` : undefined,
        peft: diffusers !== undefined ? `unet.${diffusers}` : undefined,
      }),
      spellings,
    );
  }
}
