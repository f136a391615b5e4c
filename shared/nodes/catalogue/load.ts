import { defineNode } from '../definition.js';
import { param } from '../params/index.js';
import { rank, patterns, SAFETENSORS, SHARD_INDEX } from './common.js';

export const loadModel = defineNode({
  type: 'lora-studio/load-model',
  title: 'Load Model',
  aliases: ['CheckpointLoaderSimple', 'CheckpointLoader', 'Load Checkpoint', 'UNETLoader', 'Load Diffusion Model'],
  category: 'Load',
  description: 'A base checkpoint: one safetensors file or a sharded checkpoint index.',
  keywords: ['checkpoint', 'base', 'open', 'sharded', 'index'],
  docs: `Opens a base checkpoint read-only. Accepts a single \`.safetensors\` file (SD 1.x/2.x LDM, SDXL SGM,
diffusers UNet/transformer, Flux BFL, Hugging Face transformers) or a \`*.safetensors.index.json\` with its
shards. Nothing is loaded into memory here: downstream nodes stream tensors one at a time.

The architecture is detected from tensor names and shapes; the inspector shows it. Pickle checkpoints
(\`.ckpt\`, \`.pt\`, \`.bin\`) are refused: convert them to safetensors first.`,
  version: 1,
  inputs: [],
  outputs: [{ name: 'model', label: 'Model', type: 'model', description: 'The checkpoint, unpatched.' }],
  params: {
    path: param.file({
      label: 'Checkpoint',
      description: 'A .safetensors file or a sharded checkpoint index (.safetensors.index.json).',
      mode: 'open',
      filters: [SAFETENSORS, SHARD_INDEX],
    }),
  },
});

export const loadLora = defineNode({
  type: 'lora-studio/load-lora',
  title: 'Load LoRA',
  aliases: ['LoraLoader', 'LoraLoaderModelOnly', 'LoRA Loader'],
  category: 'Load',
  description: 'A LoRA file in any dialect, or a PEFT adapter directory.',
  keywords: ['adapter', 'lycoris', 'locon', 'loha', 'lokr', 'dora', 'peft', 'kohya', 'diffusers', 'open'],
  docs: `Reads a LoRA lazily: kohya (\`lora_unet_*\`, \`lora_te*_\`), diffusers (old attention processors and
\`.lora.down/up\`), PEFT and diffusers-PEFT (\`lora_A\`/\`lora_B\`, with \`adapter_config.json\` next to the file
or a directory given instead), LyCORIS (LoCon, LoHa, LoKr, Tucker, full diffs) and DoRA.

The scale of each module is \`alpha / r\` (\`alpha / √r\` for rsLoRA; 1 when alpha is missing; PEFT's
\`rank_pattern\`/\`alpha_pattern\` per module). The inspector shows the dialect, ranks, alphas, the detected
architecture and, once connected to a model, how its modules map onto it.`,
  version: 1,
  inputs: [],
  outputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The adapter, as read (strength 1).' }],
  params: {
    path: param.file({
      label: 'LoRA file',
      description: 'A .safetensors LoRA, or a PEFT adapter directory (adapter_model.safetensors + adapter_config.json).',
      mode: 'open',
      filters: [SAFETENSORS],
      allowDirectory: true,
    }),
    allowNonFinite: param.boolean({
      label: 'Allow NaN / Inf',
      description: 'Accept a LoRA whose factors or alpha hold NaN or Inf (refused by default: merging it writes NaN/Inf weights).',
      default: false,
      advanced: true,
    }),
  },
});

export const newLora = defineNode({
  type: 'lora-studio/new-lora',
  title: 'New LoRA',
  category: 'Load',
  description: 'A fresh LoRA branch on chosen layers of a model: one factor random, the other zero.',
  keywords: ['create', 'init', 'initialise', 'empty', 'random'],
  docs: `Creates \`ΔW = s · B · A\` for every layer of the model whose name matches the patterns, with \`A\` (down,
r × in) and \`B\` (up, out × r), \`s = alpha / r\`. As in the LoRA paper and PEFT, one factor starts at zero so
the model's behaviour is unchanged (ΔW = 0) until the LoRA is trained; the other is drawn from the chosen
distribution with the seed (Kaiming-uniform with a = √5 is PEFT's default for \`A\`).

"Zero factor: none" draws both factors, which gives a non-zero ΔW: useful with Probe to see that the
unfused branch \`W·x + s·B·(A·x)\` and the fused weight \`(W + s·B·A)·x\` agree.`,
  references: [{ label: 'LoRA (Hu et al., 2021)', url: 'https://arxiv.org/abs/2106.09685' }],
  version: 1,
  inputs: [{ name: 'model', label: 'Model', type: 'model', description: 'Gives the layers and their shapes.', required: true, multiple: false }],
  outputs: [{ name: 'lora', label: 'LoRA', type: 'lora', description: 'The new adapter.' }],
  params: {
    rank: rank('Inner rank r of every new module.', { default: 8 }),
    alpha: param.number({ label: 'Alpha', description: 'Scale numerator: s = alpha / rank.', default: 8, min: 0, exclusiveMin: true, step: 1 }),
    targets: patterns('Layers that get a LoRA branch.', ['to_q', 'to_k', 'to_v', 'to_out.0', 'q_proj', 'k_proj', 'v_proj', 'o_proj']),
    zeroFactor: param.enumOf(
      [
        { value: 'up', label: 'Up (B)', description: 'B = 0, A random: the usual initialisation.' },
        { value: 'down', label: 'Down (A)', description: 'A = 0, B random.' },
        { value: 'none', label: 'None', description: 'Both random: ΔW ≠ 0 (for experiments and Probe).' },
      ] as const,
      { label: 'Zero factor', description: 'Which factor starts at zero.', default: 'up' },
    ),
    distribution: param.enumOf(
      [
        { value: 'kaiming-uniform', label: 'Kaiming uniform', description: 'U(−b, b), b = √(6 / ((1 + a²)·fan_in)), a = √5 (PEFT / torch Linear).' },
        { value: 'gaussian', label: 'Gaussian', description: 'N(0, 1/r²) (PEFT init_lora_weights="gaussian").' },
      ] as const,
      { label: 'Distribution', description: 'How the random factor is drawn.', default: 'kaiming-uniform' },
    ),
    seed: param.seed({ label: 'Seed', description: 'Same seed, same factors.' }),
  },
  check: (p) => (p.targets.length === 0 ? [{ code: 'no-targets', message: 'add at least one layer pattern', param: 'targets' }] : []),
});
