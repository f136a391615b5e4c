/**
 * Why a LoRA module name does not resolve on a base, in one sentence for the mapping report: the base lacks
 * the component it addresses (a text-encoder module on a UNet-only file), the name belongs to another
 * family's layout (lora_te2_ on SD 1.5), a block index is out of the base's range, a fused Flux module
 * cannot be split onto a diffusers base, or simply no base tensor has that spelling (with the closest one).
 */
import { FAMILY_TITLE, sameNamingFamily, type ComponentPlan, type TextEncoderRole } from './components.js';
import { TASK_HEAD, classifyModuleName, indexedParts, lmFamily, type NameKind } from './name-kind.js';
import { describe, type ModuleRegistry } from './registry.js';
import type { ArchitectureGuess, ComponentKind } from './types.js';

export interface ExplainContext {
  readonly architecture: ArchitectureGuess;
  readonly plan: readonly ComponentPlan[];
  readonly registry: ModuleRegistry;
}

type Group = 'te' | 'unet' | 'flux' | 'lm' | 'other';

function groupOfComponent(c: ComponentKind): Group {
  if (c === 'te' || c === 'te1' || c === 'te2') return 'te';
  if (c === 'unet' || c === 'flux' || c === 'lm') return c;
  return 'other';
}

function groupOfName(k: NameKind): Group {
  if (k === 'te1' || k === 'te2') return 'te';
  return k === 'unknown' ? 'other' : k;
}

const derived = new WeakMap<ModuleRegistry, { ranges: Map<string, number>; sorted: string[] }>();

/** Highest index per "group:container" over every spelling the base has, and all spellings sorted. */
function derive(reg: ModuleRegistry): { ranges: Map<string, number>; sorted: string[] } {
  const cached = derived.get(reg);
  if (cached) return cached;
  const ranges = new Map<string, number>();
  const sorted: string[] = [];
  for (const [spelling, module] of reg.spellings()) {
    sorted.push(spelling);
    const group = groupOfComponent(module.component);
    for (const { word, index } of indexedParts(spelling)) {
      const k = `${group}:${word}`;
      if ((ranges.get(k) ?? -1) < index) ranges.set(k, index);
    }
  }
  sorted.sort();
  const d = { ranges, sorted };
  derived.set(reg, d);
  return d;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function closest(name: string, sorted: readonly string[]): string | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  let best: string | undefined;
  let bestLen = 0;
  for (const c of [sorted[lo - 1], sorted[lo]]) {
    if (c === undefined) continue;
    const l = commonPrefix(name, c);
    if (l > bestLen) {
      best = c;
      bestLen = l;
    }
  }
  return best !== undefined && bestLen >= Math.max(10, name.length / 2) ? best : undefined;
}

function baseSummary(a: ArchitectureGuess): string {
  return `${FAMILY_TITLE[a.family]} base (${a.components.length > 0 ? a.components.join(', ') : 'no known components'})`;
}

function textEncoderRoles(plan: readonly ComponentPlan[]): Set<TextEncoderRole> {
  const roles = new Set<TextEncoderRole>();
  for (const p of plan) {
    if (p.kind === 'clip-hf') [p.role, ...p.alsoRoles].forEach((r) => roles.add(r));
    if (p.kind === 'openclip' || p.kind === 't5') roles.add(p.role);
  }
  return roles;
}

function componentMismatch(kind: NameKind, ctx: ExplainContext): string | undefined {
  const a = ctx.architecture;
  const summary = baseSummary(a);
  const roles = textEncoderRoles(ctx.plan);
  if (kind === 'te' || kind === 'te1' || kind === 'te2') {
    if (roles.size === 0) return `a text-encoder module, but the ${summary} has no text encoder: a UNet/transformer-only file cannot take it`;
    if (roles.has(kind)) return undefined;
    if (kind !== 'te' && roles.has('te')) {
      return `an SDXL text-encoder module (${kind.toUpperCase()}, spelled lora_${kind}_ / text_encoder${kind === 'te2' ? '_2' : ''}.), but the ${summary} has a single text encoder (TE): the LoRA is probably for SDXL`;
    }
    if (kind === 'te' && (roles.has('te1') || roles.has('te2'))) {
      return `an SD 1.x/2.x-style text-encoder module (lora_te_), but the ${summary} has two text encoders, spelled lora_te1_ (CLIP-L) and lora_te2_ (OpenCLIP-bigG): the LoRA is probably for SD 1.x/2.x`;
    }
    return `a ${kind.toUpperCase()} module, but the ${summary} has text encoders ${[...roles].map((r) => r.toUpperCase()).join(', ')}`;
  }
  const has = (c: string): boolean => a.components.includes(c);
  if (kind === 'unet' && !has('unet')) return `a UNet module (SD family), but the ${summary} has no UNet`;
  if (kind === 'flux' && a.family !== 'flux' && a.family !== 'sd3') return `a Flux transformer module (double/single blocks), but the ${summary} is not Flux`;
  if (kind === 'lm' && !has('lm') && a.family !== 'unknown') return `a transformers (LLM/encoder) module path, but the ${summary} is not a transformers model`;
  return undefined;
}

function transformersMismatch(name: string, ctx: ExplainContext): string | undefined {
  const a = ctx.architecture;
  if (!a.components.includes('lm')) return undefined;
  const path = name.startsWith('base_model.model.') ? name.slice('base_model.model.'.length) : name;
  const head = TASK_HEAD.exec(path);
  if (head) {
    return `a task head ("${head[1]!}") that the ${baseSummary(a)} does not have: the checkpoint holds the model without this head (PEFT saves a new head through modules_to_save; merge into a checkpoint of the *For… class that has it)`;
  }
  const family = lmFamily(name);
  if (family && !sameNamingFamily(family, a.family)) {
    return `a ${family === 'llama' ? 'Llama-style (Llama/Mistral/Qwen2)' : FAMILY_TITLE[family]} module path, but the base is ${FAMILY_TITLE[a.family]}`;
  }
  return undefined;
}

function fluxLimitation(name: string, ctx: ExplainContext): string | undefined {
  if (ctx.architecture.family !== 'flux') return undefined;
  if (/(^|[._])norm_out[._]linear$/.test(name)) {
    return "diffusers' norm_out.linear is BFL's final_layer.adaLN_modulation.1 with its shift and scale halves swapped; a LoRA on it cannot be applied as a row patch (not supported)";
  }
  const diffusersBase = ctx.plan.some((p) => p.kind === 'flux-diffusers');
  if (diffusersBase && /(^|[._])(img_attn[._]qkv|txt_attn[._]qkv|linear1)$/.test(name)) {
    return 'a fused BFL module (qkv / linear1 = q, k, v[, mlp]), but this diffusers Flux base stores q, k, v (and proj_mlp) as separate tensors; splitting one LoRA module over several tensors is not supported: use the BFL (original / ComfyUI) Flux checkpoint';
  }
  return undefined;
}

function outOfRange(name: string, kind: NameKind, ranges: Map<string, number>, summary: string): string | undefined {
  const group = groupOfName(kind);
  for (const { word, index } of indexedParts(name)) {
    const max = ranges.get(`${group}:${word}`);
    if (max !== undefined && index > max) return `${word} index ${index} is out of range: the ${summary} has ${word} 0–${max}`;
  }
  return undefined;
}

export function explainModule(name: string, ctx: ExplainContext): string {
  const hit = ctx.registry.get(name);
  if (hit) return `resolves to ${describe(hit.target)}${hit.target.transpose ? ' (transposed)' : ''} in block ${hit.target.block}`;
  const kind = classifyModuleName(name);
  const mismatch = componentMismatch(kind, ctx) ?? fluxLimitation(name, ctx) ?? transformersMismatch(name, ctx);
  if (mismatch) return mismatch;
  const { ranges, sorted } = derive(ctx.registry);
  const summary = baseSummary(ctx.architecture);
  const range = outOfRange(name, kind, ranges, summary);
  if (range) return range;
  const near = closest(name, sorted);
  return `unknown spelling: no tensor of the ${summary} is spelled this way${near ? ` (closest known spelling: ${near})` : ''}`;
}
