/**
 * Flux module paths in the original BFL layout (`double_blocks.N.img_attn.qkv`, `single_blocks.N.linear1`)
 * and in diffusers' (`transformer_blocks.N.attn.to_q`, `single_transformer_blocks.N.proj_mlp`), as
 * ComfyUI's `flux_to_diffusers` relates them. BFL fuses q/k/v (and, in single blocks, the MLP input) into
 * one weight; a diffusers module is then a row range of it, measured in units of the hidden width h.
 */

/** Rows [startUnits·h, (startUnits+lengthUnits)·h) of the fused weight; no lengthUnits: to the last row. */
export interface FusedPart {
  readonly startUnits: number;
  readonly lengthUnits?: number;
}

interface FluxPair {
  readonly bfl: string;
  readonly diffusers: string;
  readonly part?: FusedPart;
  /** diffusers stores the (shift, scale) halves in the other order: not a plain row mapping. */
  readonly swapHalves?: boolean;
}

const pair = (bfl: string, diffusers: string, part?: FusedPart, swapHalves?: boolean): FluxPair => ({
  bfl,
  diffusers,
  ...(part ? { part } : {}),
  ...(swapHalves ? { swapHalves } : {}),
});

const DOUBLE: readonly FluxPair[] = [
  pair('img_attn.qkv', 'attn.to_q', { startUnits: 0, lengthUnits: 1 }),
  pair('img_attn.qkv', 'attn.to_k', { startUnits: 1, lengthUnits: 1 }),
  pair('img_attn.qkv', 'attn.to_v', { startUnits: 2, lengthUnits: 1 }),
  pair('txt_attn.qkv', 'attn.add_q_proj', { startUnits: 0, lengthUnits: 1 }),
  pair('txt_attn.qkv', 'attn.add_k_proj', { startUnits: 1, lengthUnits: 1 }),
  pair('txt_attn.qkv', 'attn.add_v_proj', { startUnits: 2, lengthUnits: 1 }),
  pair('img_attn.proj', 'attn.to_out.0'),
  pair('txt_attn.proj', 'attn.to_add_out'),
  pair('img_mlp.0', 'ff.net.0.proj'),
  pair('img_mlp.2', 'ff.net.2'),
  pair('txt_mlp.0', 'ff_context.net.0.proj'),
  pair('txt_mlp.2', 'ff_context.net.2'),
  pair('img_mod.lin', 'norm1.linear'),
  pair('txt_mod.lin', 'norm1_context.linear'),
  pair('img_attn.norm.query_norm', 'attn.norm_q'),
  pair('img_attn.norm.key_norm', 'attn.norm_k'),
  pair('txt_attn.norm.query_norm', 'attn.norm_added_q'),
  pair('txt_attn.norm.key_norm', 'attn.norm_added_k'),
];

const SINGLE: readonly FluxPair[] = [
  pair('linear1', 'attn.to_q', { startUnits: 0, lengthUnits: 1 }),
  pair('linear1', 'attn.to_k', { startUnits: 1, lengthUnits: 1 }),
  pair('linear1', 'attn.to_v', { startUnits: 2, lengthUnits: 1 }),
  pair('linear1', 'proj_mlp', { startUnits: 3 }),
  pair('linear2', 'proj_out'),
  pair('modulation.lin', 'norm.linear'),
  pair('norm.query_norm', 'attn.norm_q'),
  pair('norm.key_norm', 'attn.norm_k'),
];

const GLOBAL: readonly FluxPair[] = [
  pair('img_in', 'x_embedder'),
  pair('txt_in', 'context_embedder'),
  pair('time_in.in_layer', 'time_text_embed.timestep_embedder.linear_1'),
  pair('time_in.out_layer', 'time_text_embed.timestep_embedder.linear_2'),
  pair('vector_in.in_layer', 'time_text_embed.text_embedder.linear_1'),
  pair('vector_in.out_layer', 'time_text_embed.text_embedder.linear_2'),
  pair('guidance_in.in_layer', 'time_text_embed.guidance_embedder.linear_1'),
  pair('guidance_in.out_layer', 'time_text_embed.guidance_embedder.linear_2'),
  pair('final_layer.linear', 'proj_out'),
  pair('final_layer.adaLN_modulation.1', 'norm_out.linear', undefined, true),
];

export interface FluxCorrespondence {
  readonly path: string;
  readonly part?: FusedPart;
  readonly swapHalves?: boolean;
}

const BFL_BLOCK = /^(double_blocks|single_blocks)\.(\d+)\.(.+)$/;
const DIFFUSERS_BLOCK = /^(transformer_blocks|single_transformer_blocks)\.(\d+)\.(.+)$/;

function correspondence(path: string, part: FusedPart | undefined, swapHalves: boolean | undefined): FluxCorrespondence {
  return { path, ...(part ? { part } : {}), ...(swapHalves ? { swapHalves } : {}) };
}

/** The diffusers modules inside one BFL module (several for a fused weight), with their row ranges. */
export function bflToDiffusers(bflPath: string): FluxCorrespondence[] {
  const m = BFL_BLOCK.exec(bflPath);
  if (m) {
    const table = m[1] === 'double_blocks' ? DOUBLE : SINGLE;
    const prefix = `${m[1] === 'double_blocks' ? 'transformer_blocks' : 'single_transformer_blocks'}.${m[2]!}.`;
    return table.filter((p) => p.bfl === m[3]).map((p) => correspondence(prefix + p.diffusers, p.part, p.swapHalves));
  }
  return GLOBAL.filter((p) => p.bfl === bflPath).map((p) => correspondence(p.diffusers, p.part, p.swapHalves));
}

/** The BFL module a diffusers Flux module is (a part of), or undefined. */
export function diffusersToBfl(diffusersPath: string): FluxCorrespondence | undefined {
  const m = DIFFUSERS_BLOCK.exec(diffusersPath);
  if (m) {
    const table = m[1] === 'transformer_blocks' ? DOUBLE : SINGLE;
    const prefix = `${m[1] === 'transformer_blocks' ? 'double_blocks' : 'single_blocks'}.${m[2]!}.`;
    const p = table.find((q) => q.diffusers === m[3]);
    return p && correspondence(prefix + p.bfl, p.part, p.swapHalves);
  }
  const p = GLOBAL.find((q) => q.diffusers === diffusersPath);
  return p && correspondence(p.bfl, p.part, p.swapHalves);
}

/** Rows of a fused part in a weight of `rows` rows and hidden width `hidden`. */
export function partRows(part: FusedPart, hidden: number, rows: number): { start: number; length: number } {
  const start = part.startUnits * hidden;
  return { start, length: part.lengthUnits === undefined ? rows - start : part.lengthUnits * hidden };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Block label of a Flux module path in either naming: D00.. (double), S00.. (single), FLUX (the rest). */
export function fluxBlock(path: string): string {
  const m = /^(double_blocks|transformer_blocks|single_blocks|single_transformer_blocks)\.(\d+)\./.exec(path);
  if (!m) return 'FLUX';
  const single = m[1] === 'single_blocks' || m[1] === 'single_transformer_blocks';
  return `${single ? 'S' : 'D'}${pad2(Number(m[2]))}`;
}
