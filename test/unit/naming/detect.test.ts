import { describe, expect, it } from 'vitest';
import * as T from '../../../main/engine/naming/architectures/index.js';
import { detectArchitecture } from '../../../main/engine/naming/analyze-base.js';
import { detectAdapterArchitecture } from '../../../main/engine/naming/detect-adapter.js';
import { buildKeyMap } from '../../../main/engine/naming/key-map.js';
import { expectedDeltaShape } from '../../../main/engine/naming/shape-fit.js';
import type { ArchitectureFamily, BaseLayout, BaseModule } from '../../../main/engine/naming/types.js';
import { entriesOf } from './entries.js';

type Case = [string, () => T.TensorSpec[], ArchitectureFamily, BaseLayout, string[]];

const BASES: Case[] = [
  ['SD 1.5 single file', () => T.sd15Checkpoint({ vae: true }), 'sd1', 'ldm', ['te', 'unet', 'vae']],
  ['SD 1.5 single file, tiny', () => T.sd15Checkpoint({ size: 'tiny' }), 'sd1', 'ldm', ['te', 'unet']],
  ['SD 1.5 UNet-only LDM file without prefix', () => T.unetLdmTensors(T.SD15_UNET, ''), 'sd1', 'ldm', ['unet']],
  ['SD 1.5 diffusers UNet', () => T.sd15DiffusersUnet(), 'sd1', 'diffusers', ['unet']],
  ['SD 1.5 diffusers UNet with unet. prefix, tiny', () => T.sd15DiffusersUnet({ size: 'tiny', prefix: 'unet.' }), 'sd1', 'diffusers', ['unet']],
  ['SD 1.5 diffusers text encoder', () => T.sd15DiffusersTextEncoder(), 'sd1', 'diffusers', ['te']],
  ['SD 2.x single file', () => T.sd2Checkpoint(), 'sd2', 'ldm', ['te', 'unet']],
  ['SD 2.x single file, tiny', () => T.sd2Checkpoint({ size: 'tiny' }), 'sd2', 'ldm', ['te', 'unet']],
  ['SD 2.x diffusers UNet', () => T.sd2DiffusersUnet(), 'sd2', 'diffusers', ['unet']],
  ['SD 2.x diffusers UNet, tiny (Linear proj_in decides)', () => T.sd2DiffusersUnet({ size: 'tiny' }), 'sd2', 'diffusers', ['unet']],
  ['SDXL single file', () => T.sdxlCheckpoint({ vae: true }), 'sdxl', 'sgm', ['te1', 'te2', 'unet', 'vae']],
  ['SDXL single file, tiny', () => T.sdxlCheckpoint({ size: 'tiny' }), 'sdxl', 'sgm', ['te1', 'te2', 'unet']],
  ['SDXL diffusers UNet, tiny', () => T.sdxlDiffusersUnet({ size: 'tiny' }), 'sdxl', 'diffusers', ['unet']],
  ['SDXL diffusers text encoders', () => T.sdxlDiffusersTextEncoders(), 'sdxl', 'diffusers', ['te1', 'te2']],
  ['SDXL refiner', () => T.sdxlRefinerCheckpoint(), 'sdxl-refiner', 'sgm', ['te', 'unet']],
  ['SDXL refiner, tiny', () => T.sdxlRefinerCheckpoint({ size: 'tiny' }), 'sdxl-refiner', 'sgm', ['te', 'unet']],
  ['Flux BFL', () => T.fluxBflTensors(T.FLUX_DEV), 'flux', 'bfl', ['transformer']],
  ['Flux BFL in a ComfyUI checkpoint, tiny', () => T.fluxBflTensors(T.fluxConfig('tiny'), 'model.diffusion_model.'), 'flux', 'bfl', ['transformer']],
  ['Flux all-in-one ComfyUI checkpoint (CLIP-L + T5), tiny', () => T.fluxCheckpoint({ size: 'tiny' }), 'flux', 'bfl', ['te1', 'te2', 'transformer']],
  ['Flux diffusers, tiny', () => T.fluxDiffusersTensors(T.fluxConfig('tiny')), 'flux', 'diffusers', ['transformer']],
  ['Llama-2 (LlamaForCausalLM)', () => T.llamaTensors(T.LLAMA2_7B), 'llama', 'hf', ['lm']],
  ['Llama, bare LlamaModel, tiny', () => T.llamaTensors(T.tinyLlama(), ''), 'llama', 'hf', ['lm']],
  ['Mistral-7B (shape heuristic)', () => T.llamaTensors(T.MISTRAL_7B), 'mistral', 'hf', ['lm']],
  ['Qwen2 (q/k/v bias), tiny', () => T.llamaTensors(T.tinyLlama(T.QWEN2_0_5B)), 'qwen2', 'hf', ['lm']],
  ['GPT-2 (GPT2Model)', () => T.gpt2Tensors(T.GPT2_SMALL), 'gpt2', 'hf', ['lm']],
  ['GPT-2 (GPT2LMHeadModel, transformer.), tiny', () => T.gpt2Tensors(T.TINY_GPT2, 'transformer.'), 'gpt2', 'hf', ['lm']],
  ['BERT with bert. prefix', () => T.bertTensors(T.TINY_BERT, { classifierLabels: 2 }), 'bert', 'hf', ['lm']],
  ['BERT bare', () => T.bertTensors(T.BERT_BASE, { prefix: '' }), 'bert', 'hf', ['lm']],
  ['DistilBERT with distilbert. prefix', () => T.distilbertTensors(T.TINY_DISTILBERT, { classifierLabels: 2 }), 'distilbert', 'hf', ['lm']],
  ['DistilBERT bare', () => T.distilbertTensors(T.DISTILBERT_BASE, { prefix: '' }), 'distilbert', 'hf', ['lm']],
];

describe('detectArchitecture (bases, from keys and shapes)', () => {
  it.each(BASES)('%s', (_name, specs, family, layout, components) => {
    const g = detectArchitecture(entriesOf(specs()));
    expect(g.family).toBe(family);
    expect(g.layout).toBe(layout);
    expect([...g.components].sort()).toEqual([...components].sort());
    expect(g.evidence.length).toBeGreaterThan(0);
  });

  it('says why: SDXL evidence names the context width and the ADM input', () => {
    const g = detectArchitecture(entriesOf(T.sdxlCheckpoint()));
    expect(g.evidence.join('\n')).toMatch(/context width 2048/);
    expect(g.evidence.join('\n')).toMatch(/label_emb\.0\.0\.weight \[1280, 2816\]/);
    expect(g.evidence.join('\n')).toMatch(/9 input blocks \(3 levels/);
  });

  it('a nested copy (ControlNet) does not take the place of the model', () => {
    const specs = [...T.sd15Checkpoint({ size: 'tiny' }), ...T.unetLdmTensors(T.tinyUnet(T.SD15_UNET, 16), 'control_model.')];
    const km = buildKeyMap(entriesOf(specs));
    expect(km.architecture.family).toBe('sd1');
    expect(km.resolve('lora_unet_input_blocks_1_1_proj_in')?.baseKey).toBe('model.diffusion_model.input_blocks.1.1.proj_in.weight');
  });

  it('SD3 (MMDiT joint_blocks) is detected; its weights get generic and kohya "lora_unet_" names only', () => {
    const km = buildKeyMap([
      { name: 'model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight', shape: [4608, 1536] },
      { name: 'model.diffusion_model.joint_blocks.0.x_block.attn.qkv.bias', shape: [4608] },
    ]);
    expect(km.architecture.family).toBe('sd3');
    expect(km.resolve('lora_unet_joint_blocks_0_x_block_attn_qkv')).toMatchObject({ baseKey: 'model.diffusion_model.joint_blocks.0.x_block.attn.qkv.weight', block: 'OTHER' });
    expect(km.resolve('transformer.transformer_blocks.0.attn.to_q')).toBeUndefined();
  });

  it('unknown keys give family unknown with a reason', () => {
    const g = detectArchitecture([{ name: 'foo.bar.weight', shape: [3, 3] }]);
    expect(g.family).toBe('unknown');
    expect(g.evidence.join(' ')).toMatch(/no known layout/);
  });
});

/** LoRA modules on every attention/MLP weight of a template, spelled by `spell`, with ΔW shapes from the base. */
function adapterFor(specs: T.TensorSpec[], pick: RegExp, spell: (m: BaseModule) => string | undefined): { name: string; deltaShape: number[] }[] {
  const km = buildKeyMap(entriesOf(specs));
  return km.modules.flatMap((m) => {
    const name = spell(m);
    return name !== undefined && pick.test(m.canonical) ? [{ name, deltaShape: expectedDeltaShape(m.target) }] : [];
  });
}

const ATTN = /(attn\d\.to_(q|k|v|out\.0)|self_attn\.[qkv]_proj|img_attn\.qkv|linear1|q_proj|c_attn|q_lin|query)$/;

describe('detectAdapterArchitecture (LoRAs without a base, from names and ΔW shapes)', () => {
  it.each([
    ['kohya SD 1.5', () => adapterFor(T.sd15Checkpoint(), ATTN, (m) => m.kohyaName), 'sd1', 'diffusers'],
    ['diffusers SD 2.x', () => adapterFor(T.sd2Checkpoint(), ATTN, (m) => m.peftName), 'sd2', 'diffusers'],
    ['kohya SDXL (LDM names)', () => adapterFor(T.sdxlCheckpoint(), ATTN, (m) => m.kohyaName), 'sdxl', 'ldm'],
    ['kohya SDXL refiner', () => adapterFor(T.sdxlRefinerCheckpoint(), ATTN, (m) => m.kohyaName), 'sdxl-refiner', 'ldm'],
    ['kohya Flux', () => adapterFor(T.fluxBflTensors(T.FLUX_DEV), ATTN, (m) => m.kohyaName), 'flux', 'bfl'],
    ['kohya Flux with CLIP-L and T5 modules', () => adapterFor(T.fluxCheckpoint({ size: 'tiny' }), /(qkv|q_proj|SelfAttention\.q)$/, (m) => m.kohyaName), 'flux', 'bfl'],
    ['diffusers Flux', () => adapterFor(T.fluxBflTensors(T.FLUX_DEV), ATTN, (m) => m.peftName), 'flux', 'diffusers'],
  ] as const)('%s', (_name, modules, family, layout) => {
    const g = detectAdapterArchitecture(modules());
    expect(g.family).toBe(family);
    expect(g.layout).toBe(layout);
  });

  it('SDXL text-encoder-only LoRA: two encoders mean SDXL', () => {
    const modules = adapterFor(T.sdxlCheckpoint({ size: 'tiny' }), /self_attn\.q_proj$/, (m) => (m.component === 'unet' ? undefined : m.kohyaName));
    expect(modules.some((m) => m.name.startsWith('lora_te2_'))).toBe(true);
    expect(detectAdapterArchitecture(modules).family).toBe('sdxl');
  });

  it('tiny widths: structure alone says SDXL (10-deep transformers) but cannot tell SD 1.x from 2.x', () => {
    const xl = detectAdapterArchitecture(adapterFor(T.sdxlCheckpoint({ size: 'tiny' }), /attn1\.to_q$/, (m) => m.kohyaName));
    expect(xl.family).toBe('sdxl');
    const sd = detectAdapterArchitecture(adapterFor(T.sd15Checkpoint({ size: 'tiny' }), /attn1\.to_q$/, (m) => m.kohyaName));
    expect(sd.family).toBe('unknown');
    expect(sd.evidence.join(' ')).toMatch(/SD 1\.x or 2\.x/);
  });

  it.each([
    ['Llama PEFT', ['base_model.model.model.layers.0.self_attn.q_proj', 'base_model.model.model.layers.0.mlp.down_proj'], 'llama'],
    ['GPT-2 PEFT', ['base_model.model.transformer.h.0.attn.c_attn'], 'gpt2'],
    ['BERT PEFT', ['base_model.model.bert.encoder.layer.0.attention.self.query'], 'bert'],
    ['DistilBERT PEFT', ['base_model.model.distilbert.transformer.layer.0.attention.q_lin', 'base_model.model.classifier'], 'distilbert'],
  ] as const)('%s', (_n, names, family) => {
    const g = detectAdapterArchitecture(names.map((name) => ({ name, deltaShape: [8, 8] })));
    expect(g.family).toBe(family);
    expect(g.layout).toBe('hf');
  });
});
