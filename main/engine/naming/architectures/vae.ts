/** The SD KL autoencoder (LDM `AutoencoderKL`) in LDM names, as single-file checkpoints store it. */
import { SpecList, type TensorSpec } from './spec.js';

export interface VaeConfig {
  readonly channels: number;
  readonly channelMult: readonly number[];
  readonly numResBlocks: number;
  readonly latentChannels: number;
  readonly imageChannels: number;
}

export const SD_VAE: VaeConfig = { channels: 128, channelMult: [1, 2, 4, 4], numResBlocks: 2, latentChannels: 4, imageChannels: 3 };
export const TINY_VAE: VaeConfig = { ...SD_VAE, channels: 4 };

function resnet(s: SpecList, inCh: number, outCh: number): void {
  s.norm('norm1', inCh);
  s.conv('conv1', outCh, inCh, 3);
  s.norm('norm2', outCh);
  s.conv('conv2', outCh, outCh, 3);
  if (inCh !== outCh) s.conv('nin_shortcut', outCh, inCh, 1);
}

function middle(s: SpecList, ch: number): void {
  resnet(s.scope('block_1.'), ch, ch);
  const a = s.scope('attn_1.');
  a.norm('norm', ch).conv('q', ch, ch, 1).conv('k', ch, ch, 1).conv('v', ch, ch, 1).conv('proj_out', ch, ch, 1);
  resnet(s.scope('block_2.'), ch, ch);
}

export function vaeLdmTensors(cfg: VaeConfig, prefix = 'first_stage_model.'): TensorSpec[] {
  const s = new SpecList(prefix);
  const levels = cfg.channelMult.length;
  const chAt = (level: number): number => cfg.channels * (cfg.channelMult[level] ?? 1);
  const enc = s.scope('encoder.');
  enc.conv('conv_in', cfg.channels, cfg.imageChannels, 3);
  let ch = cfg.channels;
  for (let level = 0; level < levels; level++) {
    for (let b = 0; b < cfg.numResBlocks; b++) {
      resnet(enc.scope(`down.${level}.block.${b}.`), ch, chAt(level));
      ch = chAt(level);
    }
    if (level !== levels - 1) enc.conv(`down.${level}.downsample.conv`, ch, ch, 3);
  }
  middle(enc.scope('mid.'), ch);
  enc.norm('norm_out', ch);
  enc.conv('conv_out', 2 * cfg.latentChannels, ch, 3);
  const dec = s.scope('decoder.');
  dec.conv('conv_in', ch, cfg.latentChannels, 3);
  middle(dec.scope('mid.'), ch);
  for (let level = levels - 1; level >= 0; level--) {
    for (let b = 0; b <= cfg.numResBlocks; b++) {
      resnet(dec.scope(`up.${level}.block.${b}.`), ch, chAt(level));
      ch = chAt(level);
    }
    if (level !== 0) dec.conv(`up.${level}.upsample.conv`, ch, ch, 3);
  }
  dec.norm('norm_out', ch);
  dec.conv('conv_out', cfg.imageChannels, ch, 3);
  s.conv('quant_conv', 2 * cfg.latentChannels, 2 * cfg.latentChannels, 1);
  s.conv('post_quant_conv', cfg.latentChannels, cfg.latentChannels, 1);
  return s.specs;
}
