/**
 * Aligns the modules of several LoRAs for LoRA-only combination: by canonical name (naming canonicalModule),
 * so a kohya and a diffusers LoRA for the same SD 1.5 modules meet; by the name itself where no canonical
 * name is known. A part of a fused module (a Flux diffusers to_q of img_attn.qkv) meets the same part of the
 * other inputs; when another input has the fused module itself, the parts join it at their rows.
 */
import { canonicalModule, fluxFusedParts } from '../../naming/canonical.js';
import type { ArchitectureFamily } from '../../naming/types.js';
import { linearOrientedShape } from '../../values/from-adapter.js';
import type { LoraModuleValue, LoraValue } from '../../values/lora-value.js';
import { CombineError } from './errors.js';

export interface AlignedMember {
  /** Position of the input in the user's list. */
  readonly input: number;
  readonly module: LoraModuleValue;
  /** Rows of the output module this member covers (a part inside a fused module); absent: all rows. */
  readonly rows?: { readonly start: number; readonly length: number };
}

export interface ModuleGroup {
  /** Name of the output module: the canonical name, a part's diffusers name, or the inputs' own name. */
  readonly name: string;
  /** Undefined for a part of a fused module (its name alone says which part: canonicalModule finds it again). */
  readonly canonical?: string;
  readonly block?: string;
  /** ΔW shape of the output module (module orientation; a conv shape where any input has one). */
  readonly deltaShape: readonly number[];
  readonly out: number;
  readonly inFlat: number;
  readonly embedding: boolean;
  readonly members: readonly AlignedMember[];
}

interface Keyed {
  key: string;
  canonical?: string;
  block?: string;
  startUnits?: number;
  slice?: { start: number; length: number };
  member: AlignedMember;
}

export function alignModules(inputs: readonly LoraValue[], family: ArchitectureFamily): ModuleGroup[] {
  const byKey = new Map<string, Keyed[]>();
  const order: string[] = [];
  inputs.forEach((lora, input) => {
    for (const module of lora.modules) {
      const keyed = keyOf(module, input, family);
      const list = byKey.get(keyed.key);
      if (list) list.push(keyed);
      else {
        byKey.set(keyed.key, [keyed]);
        order.push(keyed.key);
      }
    }
  });
  joinPartsToFused(byKey, order);
  return order.filter((k) => byKey.has(k)).map((k) => group(byKey.get(k)!, inputs));
}

/**
 * An input whose own names and widths could not tell its architecture (a LoRA of a few Flux diffusers
 * modules, which SD3 spells the same way) gets its canonical names from the family the other inputs agree on.
 */
function keyOf(module: LoraModuleValue, input: number, family: ArchitectureFamily): Keyed {
  const member: AlignedMember = { input, module };
  const c = module.kind === 'replace' ? undefined : canonicalModule(module.name, family, linearOrientedShape(module));
  const name = module.canonical ?? c?.name;
  if (name === undefined) return { key: `name:${module.name}`, member };
  if (c?.part && c.name === name) {
    return { key: `part:${c.name}#${c.part.startUnits}`, canonical: c.name, block: c.block, startUnits: c.part.startUnits, slice: c.slice, member };
  }
  return { key: `canonical:${name}`, canonical: name, block: module.block ?? c?.block, member };
}

/** Parts of a fused module go into the fused module's group when some input has the fused module. */
function joinPartsToFused(byKey: Map<string, Keyed[]>, order: readonly string[]): void {
  for (const key of order) {
    if (!key.startsWith('part:')) continue;
    const parts = byKey.get(key)!;
    const fused = byKey.get(`canonical:${parts[0]!.canonical}`);
    if (!fused) continue;
    for (const p of parts) {
      if (!p.slice) throw new CombineError('combine-fused-part', `${p.member.module.name}: the rows of this part of ${p.canonical} are unknown.`, { module: p.member.module.name });
      fused.push({ ...p, member: { ...p.member, rows: p.slice } });
    }
    byKey.delete(key);
  }
}

function group(list: readonly Keyed[], inputs: readonly LoraValue[]): ModuleGroup {
  const whole = list.filter((k) => k.member.rows === undefined);
  const first = (whole[0] ?? list[0])!;
  const shapes = whole.map((k) => k.member.module.deltaShape);
  const deltaShape = shapes.reduce((best, s) => (s.length > best.length ? s : best), shapes[0] ?? first.member.module.deltaShape);
  const out = deltaShape[0]!;
  const inFlat = deltaShape.slice(1).reduce((a, b) => a * b, 1);
  const embedding = first.member.module.embedding;
  const label = (k: Keyed): string => `${inputs[k.member.input]!.label} (${k.member.module.name})`;
  for (const k of list) {
    const shape = k.member.module.deltaShape;
    const kOut = shape[0]!;
    const kIn = shape.slice(1).reduce((a, b) => a * b, 1);
    const rowsOk = k.member.rows ? k.member.rows.length === kOut && k.member.rows.start + kOut <= out : kOut === out;
    if (!rowsOk || kIn !== inFlat) {
      throw new CombineError(
        'combine-shape-mismatch',
        `${first.canonical ?? first.member.module.name}: ${label(k)} has ΔW [${shape.join(', ')}] but ${label(first)} has [${deltaShape.join(', ')}].`,
        { module: k.member.module.name, hint: 'The LoRAs were trained for different base models (or different sizes of the same one).' },
      );
    }
    if (k.member.module.embedding !== embedding) {
      throw new CombineError('combine-shape-mismatch', `${first.canonical ?? first.member.module.name}: ${label(k)} and ${label(first)} disagree on whether it is an embedding.`, { module: k.member.module.name });
    }
  }
  const isPart = first.startUnits !== undefined && first.member.rows === undefined;
  return {
    name: outputName(first),
    // A part's canonical name is its fused module's: exporters would spell the fused module for it.
    canonical: isPart ? undefined : first.canonical,
    block: first.block ?? first.member.module.block,
    deltaShape,
    out,
    inFlat,
    embedding,
    members: list.map((k) => k.member),
  };
}

/** The canonical name resolves on any base of the family (buildKeyMap spells it); a part has its diffusers name. */
function outputName(k: Keyed): string {
  if (k.startUnits !== undefined && k.member.rows === undefined && k.canonical) {
    const part = fluxFusedParts(k.canonical).find((p) => p.part.startUnits === k.startUnits);
    return part?.peftName ?? k.member.module.name;
  }
  return k.canonical ?? k.member.module.name;
}
