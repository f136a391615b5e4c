export { SpecList, elementCountOf, parameterCount, type TemplateSize, type TensorSpec } from './spec.js';
export {
  SD15_UNET,
  SD2_UNET,
  SDXL_REFINER_UNET,
  SDXL_UNET,
  tinyUnet,
  unetDiffusersTensors,
  unetLdmTensors,
  type UNetConfig,
} from './unet.js';
export { CLIP_L, OPENCLIP_BIGG, OPENCLIP_H, clipTextTensors, openClipTextTensors, tinyClip, type ClipTextConfig } from './clip.js';
export { SD_VAE, TINY_VAE, vaeLdmTensors, type VaeConfig } from './vae.js';
export {
  sd15Checkpoint,
  sd15DiffusersTextEncoder,
  sd15DiffusersUnet,
  sd2Checkpoint,
  sd2DiffusersUnet,
  sdxlCheckpoint,
  sdxlDiffusersTextEncoders,
  sdxlDiffusersUnet,
  sdxlRefinerCheckpoint,
  type SdCheckpointOptions,
} from './stable-diffusion.js';
export { FLUX_DEV, FLUX_SCHNELL, fluxBflTensors, fluxCheckpoint, fluxConfig, fluxDiffusersTensors, type FluxConfig } from './flux.js';
export { T5_XXL, TINY_T5, t5EncoderTensors, type T5EncoderConfig } from './t5.js';
export { LLAMA2_7B, MISTRAL_7B, QWEN2_0_5B, llamaTensors, tinyLlama, type LlamaConfig } from './llama.js';
export { GPT2_SMALL, TINY_GPT2, gpt2Tensors, type Gpt2Config } from './gpt2.js';
export { BERT_BASE, DISTILBERT_BASE, TINY_BERT, TINY_DISTILBERT, bertTensors, distilbertTensors, type BertConfig, type EncoderOptions } from './bert.js';
