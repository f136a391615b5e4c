/**
 * Architecture detection for base checkpoints, from key names and shapes: which components the file holds
 * (UNet, text encoders, Flux transformer, a transformers model, VAE), how each is named, and the family.
 * Structure decides where widths are not standard (tiny test models keep the real block structure).
 */
import { HF_CLASS_PREFIX, type ClipName, type ComponentPlan, type HfFamily, type TextEncoderRole } from './components.js';
import type { ArchitectureFamily, ArchitectureGuess, BaseLayout, NamedShape } from './types.js';

export interface BaseAnalysis {
  readonly guess: ArchitectureGuess;
  readonly plan: readonly ComponentPlan[];
}

type ProbeKind =
  | 'unet-ldm'
  | 'unet-diffusers'
  | 'clip-hf'
  | 'openclip'
  | 't5'
  | 'flux-bfl'
  | 'flux-diffusers'
  | 'mmdit'
  | 'llama'
  | 'gpt2'
  | 'bert'
  | 'distilbert'
  | 'vae-ldm'
  | 'vae-diffusers';

const PROBES: readonly { kind: ProbeKind; re: RegExp }[] = [
  { kind: 'unet-ldm', re: /^(.*)input_blocks\.0\.0\.weight$/ },
  { kind: 'unet-diffusers', re: /^(.*)down_blocks\.0\.resnets\.0\.conv1\.weight$/ },
  { kind: 'clip-hf', re: /^(.*)text_model\.encoder\.layers\.0\.self_attn\.q_proj\.weight$/ },
  { kind: 'openclip', re: /^(.*)transformer\.resblocks\.0\.attn\.in_proj_weight$/ },
  { kind: 't5', re: /^(.*)encoder\.block\.0\.layer\.0\.SelfAttention\.q\.weight$/ },
  { kind: 'flux-bfl', re: /^(.*)double_blocks\.0\.img_attn\.qkv\.weight$/ },
  { kind: 'flux-diffusers', re: /^(.*)single_transformer_blocks\.0\.attn\.to_q\.weight$/ },
  { kind: 'mmdit', re: /^(.*)joint_blocks\.0\.x_block\.attn\.qkv\.weight$/ },
  { kind: 'llama', re: /^(.*)layers\.0\.mlp\.down_proj\.weight$/ },
  { kind: 'gpt2', re: /^(.*)h\.0\.attn\.c_attn\.weight$/ },
  { kind: 'bert', re: /^(.*)encoder\.layer\.0\.attention\.self\.query\.weight$/ },
  { kind: 'distilbert', re: /^(.*)transformer\.layer\.0\.attention\.q_lin\.weight$/ },
  { kind: 'vae-ldm', re: /^(.*)encoder\.down\.0\.block\.0\.conv1\.weight$/ },
  { kind: 'vae-diffusers', re: /^(.*)encoder\.down_blocks\.0\.resnets\.0\.conv1\.weight$/ },
];

const fmt = (shape: readonly number[] | undefined): string => `[${(shape ?? []).join(', ')}]`;
const quote = (prefix: string): string => (prefix === '' ? 'the top level' : `"${prefix}"`);

class KeyIndex {
  readonly shapes = new Map<string, readonly number[]>();
  constructor(readonly entries: readonly NamedShape[]) {
    for (const e of entries) this.shapes.set(e.name, e.shape);
  }
  has(key: string): boolean {
    return this.shapes.has(key);
  }
  shape(key: string): readonly number[] | undefined {
    return this.shapes.get(key);
  }
  /** Distinct values of the first number after `prefix` ("input_blocks." → 0..11). */
  indices(prefix: string): Set<number> {
    const out = new Set<number>();
    for (const e of this.entries) {
      if (!e.name.startsWith(prefix)) continue;
      const m = /^(\d+)\./.exec(e.name.slice(prefix.length));
      if (m) out.add(Number(m[1]));
    }
    return out;
  }
  /** Shape of the first key under `prefix` ending with `suffix`. */
  firstShape(prefix: string, suffix: string): { key: string; shape: readonly number[] } | undefined {
    for (const e of this.entries) if (e.name.startsWith(prefix) && e.name.endsWith(suffix)) return { key: e.name, shape: e.shape };
    return undefined;
  }
}

function probe(index: KeyIndex): Map<ProbeKind, string[]> {
  const found = new Map<ProbeKind, string[]>();
  for (const e of index.entries) {
    if (!e.name.includes('.0.')) continue;
    for (const p of PROBES) {
      const m = p.re.exec(e.name);
      if (!m) continue;
      const prefix = m[1] ?? '';
      // A diffusers VAE has down_blocks too, under encoder./decoder.
      if (p.kind === 'unet-diffusers' && /(^|\.)(encoder|decoder)\.$/.test(prefix)) continue;
      // CLIP's text_model.encoder.layers also ends in layers.N; llama needs its own q_proj next to it.
      if (p.kind === 'llama' && !index.has(`${prefix}layers.0.self_attn.q_proj.weight`)) continue;
      const list = found.get(p.kind) ?? [];
      list.push(prefix);
      found.set(p.kind, list);
    }
  }
  return found;
}

interface Detected {
  plan: ComponentPlan[];
  evidence: string[];
  components: string[];
}

function unetLdm(index: KeyIndex, prefix: string, d: Detected): { levels: number; numResBlocks: number } {
  const blocks = index.indices(`${prefix}input_blocks.`);
  let down = 0;
  for (const n of blocks) if (index.has(`${prefix}input_blocks.${n}.0.op.weight`)) down++;
  const levels = down + 1;
  let numResBlocks = blocks.size / levels - 1;
  if (!Number.isInteger(numResBlocks) || numResBlocks < 1) {
    d.evidence.push(`UNet input_blocks do not split evenly into ${levels} levels; assuming 2 res blocks per level`);
    numResBlocks = 2;
  }
  d.plan.push({ kind: 'unet-ldm', prefix, numResBlocks });
  d.components.push('unet');
  d.evidence.push(`UNet in LDM names under ${quote(prefix)}: ${blocks.size} input blocks (${levels} levels × ${numResBlocks} res blocks + downsamplers)`);
  return { levels, numResBlocks };
}

function unetDiffusers(index: KeyIndex, prefix: string, d: Detected): { levels: number; numResBlocks: number } {
  const levels = index.indices(`${prefix}down_blocks.`).size;
  const numResBlocks = index.indices(`${prefix}down_blocks.0.resnets.`).size;
  const upBlocksWithAttention = new Set<number>();
  for (const x of index.indices(`${prefix}up_blocks.`)) {
    if (index.indices(`${prefix}up_blocks.${x}.attentions.`).size > 0) upBlocksWithAttention.add(x);
  }
  d.plan.push({ kind: 'unet-diffusers', prefix, numResBlocks, upBlocksWithAttention });
  d.components.push('unet');
  d.evidence.push(`UNet in diffusers names under ${quote(prefix)}: ${levels} down blocks × ${numResBlocks} res blocks`);
  return { levels, numResBlocks };
}

function clipName(width: number | undefined, fallback: ClipName): ClipName {
  if (width === 768) return 'clip_l';
  if (width === 1024) return 'clip_h';
  if (width === 1280) return 'clip_g';
  return fallback;
}

function clipHfRole(prefix: string, width: number | undefined, allPrefixes: readonly string[], dit: boolean): { role: TextEncoderRole; also: TextEncoderRole[] } {
  // Flux pairs CLIP-L (kohya lora_te1_, ComfyUI also lora_te_) with T5 (lora_te2_).
  if (dit) return { role: 'te1', also: ['te'] };
  if (prefix.startsWith('cond_stage_model.')) return { role: 'te', also: [] };
  if (prefix.startsWith('conditioner.embedders.0.')) return { role: 'te1', also: [] };
  if (prefix === 'text_encoder_2.' || prefix.includes('clip_g')) return { role: 'te2', also: [] };
  const several = allPrefixes.length > 1;
  if (prefix === 'text_encoder.' || prefix.includes('clip_l')) return several ? { role: 'te1', also: [] } : { role: 'te', also: ['te1'] };
  if (width === 1280) return { role: 'te2', also: ['te'] };
  return { role: 'te', also: width === 1024 ? [] : ['te1'] };
}

function textEncoders(index: KeyIndex, found: Map<ProbeKind, string[]>, d: Detected): { hf: number[]; openclip: number[] } {
  const widths = { hf: [] as number[], openclip: [] as number[] };
  const hfPrefixes = found.get('clip-hf') ?? [];
  const ocPrefixes = found.get('openclip') ?? [];
  const t5Prefixes = found.get('t5') ?? [];
  const all = [...hfPrefixes, ...ocPrefixes, ...t5Prefixes];
  const dit = found.has('flux-bfl') || found.has('flux-diffusers') || t5Prefixes.length > 0;
  for (const prefix of hfPrefixes) {
    const width = index.shape(`${prefix}text_model.encoder.layers.0.self_attn.q_proj.weight`)?.[1];
    const layers = index.indices(`${prefix}text_model.encoder.layers.`).size;
    const { role, also } = clipHfRole(prefix, width, all, dit && width !== 1280);
    const clip = clipName(width, role === 'te2' ? 'clip_g' : 'clip_l');
    d.plan.push({ kind: 'clip-hf', prefix, role, alsoRoles: also, clip });
    d.components.push(role);
    if (width !== undefined) widths.hf.push(width);
    d.evidence.push(`text encoder ${role.toUpperCase()}: CLIP in Hugging Face names under ${quote(prefix)}, width ${width ?? '?'}, ${layers} layers`);
  }
  for (const prefix of ocPrefixes) {
    const width = index.shape(`${prefix}transformer.resblocks.0.attn.in_proj_weight`)?.[1];
    const layers = index.indices(`${prefix}transformer.resblocks.`).size;
    const role: TextEncoderRole = prefix.startsWith('conditioner.embedders.1.') ? 'te2' : 'te';
    d.plan.push({ kind: 'openclip', prefix, role, clip: clipName(width, role === 'te2' ? 'clip_g' : 'clip_h') });
    d.components.push(role);
    if (width !== undefined) widths.openclip.push(width);
    d.evidence.push(`text encoder ${role.toUpperCase()}: OpenCLIP with fused q/k/v in_proj_weight under ${quote(prefix)}, width ${width ?? '?'}, ${layers} layers`);
  }
  for (const prefix of t5Prefixes) {
    // Flux's second encoder; with a CLIP-G next to it (SD3) it would be the third, which has no label: generic names only.
    if (hfPrefixes.some((p) => p.includes('clip_g') || p === 'text_encoder_2.')) continue;
    d.plan.push({ kind: 't5', prefix, role: 'te2' });
    d.components.push('te2');
    const width = index.shape(`${prefix}encoder.block.0.layer.0.SelfAttention.q.weight`)?.[1];
    d.evidence.push(`text encoder TE2: T5 encoder under ${quote(prefix)}, width ${width ?? '?'}, ${index.indices(`${prefix}encoder.block.`).size} blocks`);
  }
  return widths;
}

function sdFamily(index: KeyIndex, unetPrefix: string, ldm: boolean, levels: number, te: { hf: number[]; openclip: number[] }, d: Detected): ArchitectureFamily {
  const admKey = ldm ? `${unetPrefix}label_emb.0.0.weight` : `${unetPrefix}add_embedding.linear_1.weight`;
  const adm = index.shape(admKey) ?? index.shape(`${unetPrefix}class_embedding.linear_1.weight`);
  const toK = index.firstShape(unetPrefix, 'attn2.to_k.weight');
  const context = toK?.shape[1];
  if (toK) d.evidence.push(`${toK.key.slice(unetPrefix.length)} ${fmt(toK.shape)}: cross-attention context width ${context}`);
  if (adm) {
    d.evidence.push(`${admKey.slice(unetPrefix.length)} ${fmt(adm)}: ADM (size/crop/pooled-text) conditioning input ${adm[1]}`);
    if (levels === 3 || context === 2048) return 'sdxl';
    return 'sdxl-refiner';
  }
  if (te.openclip.length > 0) return 'sd2';
  if (te.hf.length > 0 && te.hf.every((w) => w !== 1024)) return 'sd1';
  if (context === 768) return 'sd1';
  if (context === 1024) return 'sd2';
  const projIn = index.firstShape(unetPrefix, 'proj_in.weight');
  if (projIn) {
    d.evidence.push(`proj_in ${fmt(projIn.shape)}: ${projIn.shape.length === 2 ? 'Linear (SD2)' : '1×1 conv (SD1)'}`);
    return projIn.shape.length === 2 ? 'sd2' : 'sd1';
  }
  return 'sd1';
}

function hfModel(index: KeyIndex, kind: 'llama' | 'gpt2' | 'bert' | 'distilbert', prefix: string, d: Detected): HfFamily {
  let family: HfFamily = kind;
  if (kind === 'llama') {
    const q = index.shape(`${prefix}layers.0.self_attn.q_proj.weight`);
    const k = index.shape(`${prefix}layers.0.self_attn.k_proj.weight`);
    const vocab = index.shape(`${prefix}embed_tokens.weight`)?.[0];
    const layers = index.indices(`${prefix}layers.`).size;
    if (index.has(`${prefix}layers.0.self_attn.q_proj.bias`)) {
      family = 'qwen2';
      d.evidence.push('q_proj has a bias (Qwen2)');
    } else if (vocab === 32000 && q && k && (k[0] ?? 0) < (q[0] ?? 0) && layers <= 40) {
      family = 'mistral';
      d.evidence.push(`vocabulary 32000 with grouped KV heads (k_proj ${fmt(k)} vs q_proj ${fmt(q)}): Mistral (a shape heuristic: the names are Llama's)`);
    }
    d.evidence.push(`decoder in Llama-style names under ${quote(prefix)}: ${layers} layers, hidden ${q?.[1] ?? '?'}`);
  } else if (kind === 'gpt2') {
    d.evidence.push(`GPT-2 blocks (h.N.attn.c_attn, Conv1D weights stored [in, out]) under ${quote(prefix)}: ${index.indices(`${prefix}h.`).size} layers`);
  } else if (kind === 'bert') {
    d.evidence.push(`BERT encoder (encoder.layer.N.attention.self.query) under ${quote(prefix)}: ${index.indices(`${prefix}encoder.layer.`).size} layers`);
  } else {
    d.evidence.push(`DistilBERT encoder (transformer.layer.N.attention.q_lin) under ${quote(prefix)}: ${index.indices(`${prefix}transformer.layer.`).size} layers`);
  }
  d.plan.push({ kind: 'hf', family, bodyPrefix: prefix, classPrefix: HF_CLASS_PREFIX[family] });
  d.components.push('lm');
  return family;
}

/** Where each kind of component sits in the files people have, most usual first. */
const USUAL_PREFIXES: Partial<Record<ProbeKind, readonly string[]>> = {
  'unet-ldm': ['model.diffusion_model.', 'diffusion_model.', ''],
  'unet-diffusers': ['', 'unet.'],
  'flux-bfl': ['', 'model.diffusion_model.', 'diffusion_model.'],
  'flux-diffusers': ['', 'transformer.'],
};

function pick(found: Map<ProbeKind, string[]>, kind: ProbeKind): string | undefined {
  const list = found.get(kind);
  if (!list) return undefined;
  const usual = USUAL_PREFIXES[kind]?.find((p) => list.includes(p));
  // Otherwise the shortest prefix is the model itself; longer ones are nested copies.
  return usual ?? [...list].sort((a, b) => a.length - b.length)[0];
}

export function analyzeBase(entries: readonly NamedShape[]): BaseAnalysis {
  const index = new KeyIndex(entries);
  const found = probe(index);
  const d: Detected = { plan: [], evidence: [], components: [] };
  let family: ArchitectureFamily = 'unknown';
  let layout: BaseLayout = 'unknown';

  const te = textEncoders(index, found, d);
  const fluxBfl = pick(found, 'flux-bfl');
  const fluxDiffusers = pick(found, 'flux-diffusers');
  const unetLdmPrefix = pick(found, 'unet-ldm');
  const unetDiffusersPrefix = pick(found, 'unet-diffusers');
  const hfKinds = (['llama', 'gpt2', 'bert', 'distilbert'] as const).filter((k) => found.has(k));

  if (fluxBfl !== undefined || fluxDiffusers !== undefined) {
    family = 'flux';
    const prefix = fluxBfl ?? fluxDiffusers ?? '';
    const bfl = fluxBfl !== undefined;
    layout = bfl ? 'bfl' : 'diffusers';
    d.plan.push(bfl ? { kind: 'flux-bfl', prefix } : { kind: 'flux-diffusers', prefix });
    d.components.push('transformer');
    const doubles = index.indices(`${prefix}${bfl ? 'double_blocks.' : 'transformer_blocks.'}`).size;
    const singles = index.indices(`${prefix}${bfl ? 'single_blocks.' : 'single_transformer_blocks.'}`).size;
    const probeKey = bfl ? `${prefix}double_blocks.0.img_attn.qkv.weight` : `${prefix}single_transformer_blocks.0.attn.to_q.weight`;
    d.evidence.push(
      `Flux transformer in ${bfl ? 'BFL' : 'diffusers'} names under ${quote(prefix)}: ${doubles} double and ${singles} single blocks, ${probeKey.slice(prefix.length)} ${fmt(index.shape(probeKey))}`,
    );
  } else if (found.has('mmdit')) {
    family = 'sd3';
    layout = 'bfl';
    d.components.push('transformer');
    d.evidence.push(`MMDiT joint_blocks under ${quote(pick(found, 'mmdit') ?? '')} (SD3; mapped by generic names only)`);
  } else if (unetLdmPrefix !== undefined) {
    const { levels } = unetLdm(index, unetLdmPrefix, d);
    family = sdFamily(index, unetLdmPrefix, true, levels, te, d);
    layout = entries.some((e) => e.name.startsWith('conditioner.')) ? 'sgm' : 'ldm';
  } else if (unetDiffusersPrefix !== undefined) {
    const { levels } = unetDiffusers(index, unetDiffusersPrefix, d);
    family = sdFamily(index, unetDiffusersPrefix, false, levels, te, d);
    layout = 'diffusers';
  } else if (hfKinds.length > 0) {
    const kind = hfKinds[0]!;
    family = hfModel(index, kind, pick(found, kind) ?? '', d);
    layout = 'hf';
  } else if (te.hf.length + te.openclip.length > 0) {
    const roles = new Set(d.plan.flatMap((p) => (p.kind === 'clip-hf' || p.kind === 'openclip' ? [p.role] : [])));
    if (d.plan.some((p) => p.kind === 't5')) family = 'flux';
    else if (roles.has('te1') || roles.has('te2')) family = 'sdxl';
    else if (te.openclip.length > 0 || te.hf.includes(1024)) family = 'sd2';
    else family = 'sd1';
    layout = entries.some((e) => e.name.startsWith('conditioner.')) ? 'sgm' : entries.some((e) => e.name.startsWith('cond_stage_model.')) ? 'ldm' : 'diffusers';
    d.evidence.push('text encoder(s) only, no UNet');
  }

  const vae = pick(found, 'vae-ldm') ?? pick(found, 'vae-diffusers');
  if (vae !== undefined) {
    d.plan.push({ kind: 'vae', prefix: vae });
    d.components.push('vae');
    d.evidence.push(`autoencoder under ${quote(vae)}`);
  }
  if (family === 'unknown') d.evidence.push('no known layout: none of the UNet, text-encoder, Flux or transformers key patterns is present');
  return { guess: { family, layout, components: [...new Set(d.components)], evidence: d.evidence }, plan: d.plan };
}

/** Architecture of a base checkpoint from its tensor names and shapes. */
export function detectArchitecture(entries: readonly NamedShape[]): ArchitectureGuess {
  return analyzeBase(entries).guess;
}
