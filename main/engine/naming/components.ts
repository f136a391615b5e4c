/**
 * The parts of a base checkpoint that key mapping knows how to spell, found by probing the key names
 * (analyze-base.ts). Each part says where its keys start and how they are named.
 */
import type { ArchitectureFamily } from './types.js';

export type TextEncoderRole = 'te' | 'te1' | 'te2';
export type ClipName = 'clip_l' | 'clip_h' | 'clip_g';
export type HfFamily = 'llama' | 'mistral' | 'qwen2' | 'gpt2' | 'bert' | 'distilbert';

export type ComponentPlan =
  | { kind: 'unet-ldm'; prefix: string; numResBlocks: number }
  | { kind: 'unet-diffusers'; prefix: string; numResBlocks: number; upBlocksWithAttention: ReadonlySet<number> }
  /** Hugging Face CLIP text model; `alsoRoles`: spellings of other roles it accepts (a lone CLIP-L file is TE and TE1). */
  | { kind: 'clip-hf'; prefix: string; role: TextEncoderRole; alsoRoles: readonly TextEncoderRole[]; clip: ClipName }
  | { kind: 'openclip'; prefix: string; role: TextEncoderRole; clip: ClipName }
  /** T5 encoder (Flux's second text encoder). */
  | { kind: 't5'; prefix: string; role: TextEncoderRole }
  | { kind: 'flux-bfl'; prefix: string }
  | { kind: 'flux-diffusers'; prefix: string }
  /** A transformers model: `bodyPrefix` is where the base model sits in this file, `classPrefix` where PEFT expects it. */
  | { kind: 'hf'; family: HfFamily; bodyPrefix: string; classPrefix: string }
  | { kind: 'vae'; prefix: string };

export const HF_CLASS_PREFIX: Readonly<Record<HfFamily, string>> = {
  llama: 'model.',
  mistral: 'model.',
  qwen2: 'model.',
  gpt2: 'transformer.',
  bert: 'bert.',
  distilbert: 'distilbert.',
};

export function isHfFamily(f: ArchitectureFamily): f is HfFamily {
  return f in HF_CLASS_PREFIX;
}

/** Llama, Mistral and Qwen2 share module names; only shapes tell them apart. */
export function sameNamingFamily(a: ArchitectureFamily, b: ArchitectureFamily): boolean {
  const llamaLike = (f: ArchitectureFamily): boolean => f === 'llama' || f === 'mistral' || f === 'qwen2';
  return a === b || (llamaLike(a) && llamaLike(b));
}

export const FAMILY_TITLE: Readonly<Record<ArchitectureFamily, string>> = {
  sd1: 'SD 1.x',
  sd2: 'SD 2.x',
  sdxl: 'SDXL',
  'sdxl-refiner': 'SDXL refiner',
  sd3: 'SD3',
  flux: 'Flux',
  llama: 'Llama',
  mistral: 'Mistral',
  qwen2: 'Qwen2',
  gpt2: 'GPT-2',
  bert: 'BERT',
  distilbert: 'DistilBERT',
  unknown: 'an unknown architecture',
};
