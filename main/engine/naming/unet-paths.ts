/**
 * The correspondence between LDM UNet module paths (`input_blocks.4.1.transformer_blocks.0.attn1.to_q`) and
 * diffusers ones (`down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q`), as ComfyUI's
 * `unet_to_diffusers` defines it. Only the number of res blocks per level is needed in the LDM → diffusers
 * direction; diffusers → LDM also needs to know which up blocks have attentions (the upsampler's index).
 * Paths are module paths (no `.weight`/`.bias`).
 */

const RESNET_LDM_TO_DIFFUSERS: Readonly<Record<string, string>> = {
  'in_layers.0': 'norm1',
  'in_layers.2': 'conv1',
  'emb_layers.1': 'time_emb_proj',
  'out_layers.0': 'norm2',
  'out_layers.3': 'conv2',
  skip_connection: 'conv_shortcut',
};
const RESNET_DIFFUSERS_TO_LDM: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(RESNET_LDM_TO_DIFFUSERS).map(([a, b]) => [b, a]),
);

const BASIC_LDM_TO_DIFFUSERS: Readonly<Record<string, string>> = {
  'time_embed.0': 'time_embedding.linear_1',
  'time_embed.2': 'time_embedding.linear_2',
  'label_emb.0.0': 'add_embedding.linear_1',
  'label_emb.0.2': 'add_embedding.linear_2',
  'input_blocks.0.0': 'conv_in',
  'out.0': 'conv_norm_out',
  'out.2': 'conv_out',
};
const BASIC_DIFFUSERS_TO_LDM: Readonly<Record<string, string>> = {
  ...Object.fromEntries(Object.entries(BASIC_LDM_TO_DIFFUSERS).map(([a, b]) => [b, a])),
  // Class-conditioned UNets spell the same MLP class_embedding.
  'class_embedding.linear_1': 'label_emb.0.0',
  'class_embedding.linear_2': 'label_emb.0.2',
};

function resnetToDiffusers(sub: string): string | undefined {
  return RESNET_LDM_TO_DIFFUSERS[sub];
}

const LDM_BLOCK = /^(input_blocks|output_blocks)\.(\d+)\.(\d+)(?:\.(.+))?$/;
const LDM_MIDDLE = /^middle_block\.(\d+)\.(.+)$/;

/** The diffusers module path of an LDM UNet module path, or undefined if it has none. */
export function ldmUnetToDiffusers(path: string, numResBlocks: number): string | undefined {
  const basic = BASIC_LDM_TO_DIFFUSERS[path];
  if (basic !== undefined) return basic;
  const perLevel = numResBlocks + 1;
  const m = LDM_BLOCK.exec(path);
  if (m) {
    const n = Number(m[2]);
    const layer = Number(m[3]);
    const rest = m[4];
    if (m[1] === 'input_blocks') {
      if (n === 0) return undefined;
      const level = Math.floor((n - 1) / perLevel);
      const i = (n - 1) % perLevel;
      if (i === numResBlocks) return layer === 0 && rest === 'op' ? `down_blocks.${level}.downsamplers.0.conv` : undefined;
      if (rest === undefined) return undefined;
      if (layer === 0) {
        const r = resnetToDiffusers(rest);
        return r && `down_blocks.${level}.resnets.${i}.${r}`;
      }
      return layer === 1 ? `down_blocks.${level}.attentions.${i}.${rest}` : undefined;
    }
    const level = Math.floor(n / perLevel);
    const i = n % perLevel;
    if (rest === undefined) return undefined;
    if (layer === 0) {
      const r = resnetToDiffusers(rest);
      return r && `up_blocks.${level}.resnets.${i}.${r}`;
    }
    if (rest === 'conv') return i === numResBlocks ? `up_blocks.${level}.upsamplers.0.conv` : undefined;
    return layer === 1 ? `up_blocks.${level}.attentions.${i}.${rest}` : undefined;
  }
  const mid = LDM_MIDDLE.exec(path);
  if (mid) {
    const rest = mid[2] ?? '';
    if (mid[1] === '1') return `mid_block.attentions.0.${rest}`;
    const r = resnetToDiffusers(rest);
    if (!r) return undefined;
    if (mid[1] === '0') return `mid_block.resnets.0.${r}`;
    if (mid[1] === '2') return `mid_block.resnets.1.${r}`;
  }
  return undefined;
}

export interface DiffusersUnetStructure {
  readonly numResBlocks: number;
  /** Whether up block x has attentions (the upsampler then sits at index 2 of its last LDM output block). */
  readonly upBlockHasAttention: (level: number) => boolean;
}

const DIFFUSERS_BLOCK = /^(down_blocks|up_blocks)\.(\d+)\.(resnets|attentions|downsamplers|upsamplers)\.(\d+)\.(.+)$/;
const DIFFUSERS_MID = /^mid_block\.(resnets|attentions)\.(\d+)\.(.+)$/;

/** The LDM module path of a diffusers UNet module path, or undefined if it has none. */
export function diffusersUnetToLdm(path: string, s: DiffusersUnetStructure): string | undefined {
  const basic = BASIC_DIFFUSERS_TO_LDM[path];
  if (basic !== undefined) return basic;
  const perLevel = s.numResBlocks + 1;
  const m = DIFFUSERS_BLOCK.exec(path);
  if (m) {
    const level = Number(m[2]);
    const kind = m[3];
    const i = Number(m[4]);
    const rest = m[5] ?? '';
    if (m[1] === 'down_blocks') {
      const n = 1 + perLevel * level;
      if (kind === 'downsamplers') return i === 0 && rest === 'conv' ? `input_blocks.${n + s.numResBlocks}.0.op` : undefined;
      if (kind === 'resnets') {
        const r = RESNET_DIFFUSERS_TO_LDM[rest];
        return r && `input_blocks.${n + i}.0.${r}`;
      }
      return kind === 'attentions' ? `input_blocks.${n + i}.1.${rest}` : undefined;
    }
    const n = perLevel * level;
    if (kind === 'upsamplers') {
      return i === 0 && rest === 'conv' ? `output_blocks.${n + s.numResBlocks}.${s.upBlockHasAttention(level) ? 2 : 1}.conv` : undefined;
    }
    if (kind === 'resnets') {
      const r = RESNET_DIFFUSERS_TO_LDM[rest];
      return r && `output_blocks.${n + i}.0.${r}`;
    }
    return kind === 'attentions' ? `output_blocks.${n + i}.1.${rest}` : undefined;
  }
  const mid = DIFFUSERS_MID.exec(path);
  if (mid) {
    const rest = mid[3] ?? '';
    if (mid[1] === 'attentions') return mid[2] === '0' ? `middle_block.1.${rest}` : undefined;
    const r = RESNET_DIFFUSERS_TO_LDM[rest];
    if (!r) return undefined;
    if (mid[2] === '0') return `middle_block.0.${r}`;
    if (mid[2] === '1') return `middle_block.2.${r}`;
  }
  return undefined;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Block label of an LDM UNet module path: IN00.., MID, OUT00.., or UNET for the rest. */
export function ldmUnetBlock(path: string): string {
  const m = /^(input_blocks|output_blocks)\.(\d+)\./.exec(path);
  if (m) return `${m[1] === 'input_blocks' ? 'IN' : 'OUT'}${pad2(Number(m[2]))}`;
  if (path.startsWith('middle_block.')) return 'MID';
  return 'UNET';
}
