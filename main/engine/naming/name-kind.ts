import type { ArchitectureFamily } from './types.js';

/**
 * What a LoRA module name addresses, from its spelling alone: a text encoder (which one), an SD UNet, a
 * Flux/DiT transformer, or a transformers model. Used to explain names that do not resolve.
 */
export type NameKind = 'te' | 'te1' | 'te2' | 'unet' | 'flux' | 'lm' | 'unknown';

const TE2 = /^(lora_te2_|text_encoder_2\.|te2\.)/;
const TE1 = /^(lora_te1_|te1\.)/;
const TE = /^(lora_te_|text_encoder\.|te\.|lora_prior_te_|text_encoders\.)|(^|[._])text_model[._]/;
const FLUX =
  /(^|[._])(double_blocks|single_blocks|single_transformer_blocks|img_attn|txt_attn|img_mlp|txt_mlp|img_mod|txt_mod)([._]|$)|^lora_transformer_|^(transformer\.)?transformer_blocks\.\d+\.(attn\.(add_[qkv]_proj|to_add_out)|ff_context|norm1_context)/;
const UNET =
  /^(lora_unet_|unet\.|lycoris_|diffusion_model\.|model\.diffusion_model\.)|(^|[._])(down_blocks|up_blocks|mid_block|input_blocks|output_blocks|middle_block|conv_in|time_embedding|time_embed)([._]|$)/;
const LM = /^base_model\.model\.|(^|\.)(layers|h|layer)\.\d+\./;

export function classifyModuleName(name: string): NameKind {
  if (TE2.test(name)) return 'te2';
  if (TE1.test(name)) return 'te1';
  if (TE.test(name)) return 'te';
  if (FLUX.test(name)) return 'flux';
  if (UNET.test(name)) return 'unet';
  if (LM.test(name)) return 'lm';
  return 'unknown';
}

const INDEXED = /(?:^|[._])(input_blocks|output_blocks|down_blocks|up_blocks|double_blocks|single_blocks|single_transformer_blocks|transformer_blocks|joint_blocks|layers|resblocks|layer|h)[._](\d+)(?=[._]|$)/g;

/** The (container, index) pairs a name passes through: "…input_blocks_4_1_transformer_blocks_0…" → input_blocks 4, transformer_blocks 0. */
export function indexedParts(name: string): { word: string; index: number }[] {
  const out: { word: string; index: number }[] = [];
  for (const m of name.matchAll(INDEXED)) out.push({ word: m[1]!, index: Number(m[2]) });
  return out;
}

/** The transformers family whose module names these are ('llama' stands for Llama, Mistral and Qwen2). */
export function lmFamily(name: string): ArchitectureFamily | undefined {
  if (/(^|\.)attention\.(q_lin|k_lin|v_lin|out_lin)$|(^|\.)ffn\.lin[12]$/.test(name)) return 'distilbert';
  if (/(^|\.)attention\.self\.(query|key|value)$|(^|\.)encoder\.layer\.\d+\./.test(name)) return 'bert';
  if (/(^|\.)(attn\.c_attn|attn\.c_proj|mlp\.c_fc|mlp\.c_proj)$|(^|\.)h\.\d+\./.test(name)) return 'gpt2';
  if (/(^|\.)layers\.\d+\.(self_attn\.[qkvo]_proj|mlp\.(gate|up|down)_proj)$/.test(name)) return 'llama';
  return undefined;
}

/** Task heads that sit outside a transformers model's body (PEFT saves them through modules_to_save). */
export const TASK_HEAD = /^(lm_head|classifier|pre_classifier|score|qa_outputs|vocab_transform|vocab_layer_norm|vocab_projector|cls)(\.|$)/;

/**
 * UNet layers that are Conv2d whatever shape a LoRA stores for them (LyCORIS and kohya LoCon may store a
 * conv's factors 2-D, [out, in·k·k]): resnet convs and shortcuts, down/upsamplers, the UNet's first and last
 * conv, in diffusers and LDM spellings. (SD 1.x's proj_in/proj_out are 1×1 convs, but linear in SD 2/SDXL.)
 */
const UNET_CONV = /(^|[._])(conv|conv1|conv2|conv_shortcut|conv_in|conv_out|skip_connection|in_layers[._]2|out_layers[._]3|op)$/;

export function targetsConvLayer(name: string): boolean {
  return classifyModuleName(name) === 'unet' && UNET_CONV.test(name);
}
