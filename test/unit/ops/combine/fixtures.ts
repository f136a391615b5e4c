/**
 * LoRA files for combine tests, with real SD 1.5 module names in two dialects (kohya and diffusers
 * attention processors) and small widths, except attn2.to_k whose 768-wide input says "SD 1.x".
 */
import path from 'node:path';
import type { FixtureTensor } from '../../../helpers/safetensors.js';
import { randomValues, writeSafetensors } from '../../../helpers/safetensors.js';

/** diffusers module path → kohya name (SD 1.x kohya names flatten the diffusers path). */
export const kohyaName = (diffusersPath: string): string => `lora_unet_${diffusersPath.replace(/\./g, '_')}`;

export interface ModuleSpec {
  /** diffusers module path, e.g. down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q */
  readonly path: string;
  readonly out: number;
  readonly in: number;
  readonly rank: number;
  readonly alpha?: number;
  /** Conv kernel (LoCon): down [r, in, k, k], up [out, r, 1, 1]. */
  readonly kernel?: number;
}

export const SD15 = {
  q: 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q',
  k: 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_k',
  out: 'down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_out.0',
  ctxK: 'down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k',
  conv: 'down_blocks.0.resnets.0.conv1',
};

let seed = 500;

export interface WrittenModule {
  readonly spec: ModuleSpec;
  readonly up: Float32Array;
  readonly down: Float32Array;
}

function factors(spec: ModuleSpec): WrittenModule {
  const k = spec.kernel ?? 1;
  return { spec, up: randomValues(spec.out * spec.rank, seed++, 0.5), down: randomValues(spec.rank * spec.in * k * k, seed++, 0.5) };
}

export function writeKohyaLora(dir: string, file: string, specs: readonly ModuleSpec[]): { file: string; modules: WrittenModule[] } {
  const modules = specs.map(factors);
  const tensors: FixtureTensor[] = modules.flatMap(({ spec, up, down }) => {
    const name = kohyaName(spec.path);
    const k = spec.kernel;
    const t: FixtureTensor[] = [
      { name: `${name}.lora_down.weight`, shape: k ? [spec.rank, spec.in, k, k] : [spec.rank, spec.in], data: down },
      { name: `${name}.lora_up.weight`, shape: k ? [spec.out, spec.rank, 1, 1] : [spec.out, spec.rank], data: up },
    ];
    if (spec.alpha !== undefined) t.push({ name: `${name}.alpha`, shape: [], data: [spec.alpha] });
    return t;
  });
  return { file: writeSafetensors(path.join(dir, file), tensors), modules };
}

/** The old diffusers attention-processor format: …attn1.processor.to_q_lora.down.weight, to_out_lora = to_out.0; no alpha. */
export function writeAttnProcLora(dir: string, file: string, specs: readonly ModuleSpec[]): { file: string; modules: WrittenModule[] } {
  const modules = specs.map(factors);
  const tensors: FixtureTensor[] = modules.flatMap(({ spec, up, down }) => {
    const m = /^(.*)\.(to_q|to_k|to_v|to_out\.0)$/.exec(spec.path);
    if (!m) throw new Error(`not an attention projection: ${spec.path}`);
    const proj = m[2] === 'to_out.0' ? 'to_out' : m[2]!;
    const base = `${m[1]!}.processor.${proj}_lora`;
    return [
      { name: `${base}.down.weight`, shape: [spec.rank, spec.in], data: down },
      { name: `${base}.up.weight`, shape: [spec.out, spec.rank], data: up },
    ];
  });
  return { file: writeSafetensors(path.join(dir, file), tensors), modules };
}
