/**
 * What base an adapter was trained for, from its module names and ΔW shapes alone (no base at hand):
 * cross-attention widths tell SD 1.x (768) / SD 2.x (1024) / SDXL (2048) / the refiner (1280) apart, the
 * text-encoder spellings (lora_te1_/lora_te2_) and block structure back them up; Flux, SD3 and the
 * transformers families are told by their module names.
 */
import { classifyModuleName, lmFamily } from './name-kind.js';
import { formatShape } from './shape-fit.js';
import type { ArchitectureFamily, ArchitectureGuess, BaseLayout, ModuleShape } from './types.js';

const CONTEXT_FAMILY: Readonly<Record<number, ArchitectureFamily>> = { 768: 'sd1', 1024: 'sd2', 2048: 'sdxl', 1280: 'sdxl-refiner' };
const TE_FAMILY: Readonly<Record<number, ArchitectureFamily>> = { 768: 'sd1', 1024: 'sd2' };

interface Facts {
  evidence: string[];
  components: Set<string>;
  contextWidths: Map<number, string>;
  teWidths: Map<number, string>;
  sdxlStructure: string | undefined;
  sd12Structure: string | undefined;
  ldmNames: number;
  diffusersNames: number;
  flux: number;
  sd3: number;
  lm: Map<ArchitectureFamily, string>;
  fluxWidth: string | undefined;
}

function collect(modules: readonly ModuleShape[]): Facts {
  const f: Facts = {
    evidence: [],
    components: new Set(),
    contextWidths: new Map(),
    teWidths: new Map(),
    sdxlStructure: undefined,
    sd12Structure: undefined,
    ldmNames: 0,
    diffusersNames: 0,
    flux: 0,
    sd3: 0,
    lm: new Map(),
    fluxWidth: undefined,
  };
  for (const { name, deltaShape } of modules) {
    const kind = classifyModuleName(name);
    const width = deltaShape[1];
    if (kind === 'te2' && /SelfAttention|DenseReluDense|encoder[._]block[._]/.test(name)) {
      // T5 (Flux's second text encoder)
      f.flux++;
      f.components.add('te2');
      continue;
    }
    if (kind === 'te' || kind === 'te1' || kind === 'te2') {
      f.components.add(kind);
      if (width !== undefined && /self_attn[._](q_proj|to_q)$/.test(name) && !f.teWidths.has(width)) f.teWidths.set(width, `${name} ΔW ${formatShape(deltaShape)}`);
      continue;
    }
    if (/(^|[._])joint_blocks[._]/.test(name)) {
      f.sd3++;
      f.components.add('transformer');
      continue;
    }
    if (kind === 'flux') {
      f.flux++;
      f.components.add('transformer');
      if (f.fluxWidth === undefined && width !== undefined && /(img_attn[._]qkv|attn[._]to_q|linear1)$/.test(name)) f.fluxWidth = `${name} ΔW ${formatShape(deltaShape)} (hidden ${width})`;
      continue;
    }
    if (kind === 'unet') {
      f.components.add('unet');
      if (/(input_blocks|output_blocks|middle_block)/.test(name)) f.ldmNames++;
      if (/(down_blocks|up_blocks|mid_block)/.test(name)) f.diffusersNames++;
      if (width !== undefined && /attn2[._]to_[kv]$/.test(name) && !f.contextWidths.has(width)) f.contextWidths.set(width, `${name} ΔW ${formatShape(deltaShape)}`);
      const ldm = /input_blocks[._](\d+)|output_blocks[._](\d+)/.exec(name);
      if (ldm && Number(ldm[1] ?? ldm[2]) > 8) f.sd12Structure ??= `${name}: block index above 8 (SDXL has input/output blocks 0–8)`;
      if (/down_blocks[._]3[._]|up_blocks[._]3[._]/.test(name)) f.sd12Structure ??= `${name}: a fourth down/up block (SDXL has three)`;
      if (/down_blocks[._]0[._]attentions|input_blocks[._][12][._]1[._]/.test(name)) f.sd12Structure ??= `${name}: attention at the first level (SDXL has none there)`;
      if (/attentions[._]\d+[._]transformer_blocks[._][1-9]|input_blocks[._]\d+[._]1[._]transformer_blocks[._][1-9]/.test(name)) {
        f.sdxlStructure ??= `${name}: more than one transformer block per attention (SDXL)`;
      }
      continue;
    }
    const lm = lmFamily(name);
    if (lm && !f.lm.has(lm)) f.lm.set(lm, name);
    if (lm) f.components.add('lm');
  }
  return f;
}

function decideSd(f: Facts): ArchitectureFamily {
  for (const [width, where] of f.contextWidths) {
    const fam = CONTEXT_FAMILY[width];
    if (fam) {
      f.evidence.push(`cross-attention input width ${width}: ${where}`);
      return fam;
    }
  }
  if (f.components.has('te1') || f.components.has('te2')) {
    f.evidence.push('text-encoder modules spelled for two encoders (lora_te1_/lora_te2_ or text_encoder_2): SDXL');
    return 'sdxl';
  }
  for (const [width, where] of f.teWidths) {
    const fam = TE_FAMILY[width];
    if (fam) {
      f.evidence.push(`text-encoder width ${width}: ${where}`);
      return fam;
    }
  }
  if (f.sdxlStructure) {
    f.evidence.push(f.sdxlStructure);
    return 'sdxl';
  }
  if (f.sd12Structure) f.evidence.push(`${f.sd12Structure}: SD 1.x or 2.x (widths would tell which)`);
  else f.evidence.push('SD-family module names without a width that identifies the model');
  return 'unknown';
}

/** Architecture an adapter was made for, from its module names and ΔW shapes. */
export function detectAdapterArchitecture(modules: readonly ModuleShape[]): ArchitectureGuess {
  const f = collect(modules);
  let family: ArchitectureFamily = 'unknown';
  let layout: BaseLayout = 'unknown';
  const sdModules = f.ldmNames + f.diffusersNames + f.teWidths.size;
  if (f.flux > 0 && f.flux >= f.ldmNames + f.diffusersNames) {
    family = 'flux';
    layout = modules.some((m) => /double_blocks|single_blocks/.test(m.name)) ? 'bfl' : 'diffusers';
    f.evidence.push(`${f.flux} Flux transformer modules (double/single blocks)${f.fluxWidth ? `; ${f.fluxWidth}` : ''}`);
  } else if (f.sd3 > 0) {
    family = 'sd3';
    layout = 'bfl';
    f.evidence.push(`${f.sd3} MMDiT joint_blocks modules (SD3)`);
  } else if (f.components.has('unet') || f.components.has('te') || f.components.has('te1') || f.components.has('te2') || sdModules > 0) {
    family = decideSd(f);
    layout = f.ldmNames > f.diffusersNames ? 'ldm' : f.diffusersNames > 0 ? 'diffusers' : 'unknown';
  } else if (f.lm.size > 0) {
    const [fam, where] = [...f.lm.entries()][0]!;
    family = fam;
    layout = 'hf';
    f.evidence.push(`${fam === 'llama' ? 'Llama-style (Llama/Mistral/Qwen2)' : fam} module names, e.g. ${where}`);
  } else {
    f.evidence.push('no module name of a known architecture');
  }
  return { family, layout, components: [...f.components], evidence: f.evidence };
}
