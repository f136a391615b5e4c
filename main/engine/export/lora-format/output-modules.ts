/**
 * What Save LoRA writes for each module of a LoraValue: the output name (kohya or PEFT spelling), the tensor
 * names and shapes, the planned rank (undefined when only computing tells: dynamic rank rules) and the scale
 * the file shows (alpha/r). Everything that cannot be written is refused here, before anything is computed,
 * in one error that lists the modules.
 */
import { EngineError } from '../../errors.js';
import { isHfFamily } from '../../naming/components.js';
import { kohyaModuleName, peftModuleName } from '../../naming/canonical.js';
import type { ArchitectureFamily } from '../../naming/types.js';
import type { LoraModuleValue, LoraValue } from '../../values/lora-value.js';

export type LoraFormat = 'kohya' | 'peft';

export interface PlannedFactorModule {
  readonly type: 'factors';
  readonly module: LoraModuleValue;
  /** The module as the output names it: kohya "lora_unet_…", PEFT "base_model.model.…" / "unet.…". */
  readonly outName: string;
  /** [out, in(, kh, kw)]: the delta shape the factors are reshaped to. */
  readonly deltaShape: readonly number[];
  readonly out: number;
  readonly inFlat: number;
  /** Known before computing (file modules, concat, fixed-rank compress/extract), else undefined. */
  readonly rank: number | undefined;
  /** alpha / r as the file shows it (the source's own scale, so a resize keeps alpha/r as kohya does). */
  readonly displayScale: number;
  /** PEFT lora_embedding_A/B layout. */
  readonly embedding: boolean;
  readonly names: { readonly down: string; readonly up: string; readonly alpha?: string };
}

/** PEFT modules_to_save: the source's full tensors, copied under the output names. */
export interface PlannedReplaceModule {
  readonly type: 'replace';
  readonly module: LoraModuleValue;
  readonly outName: string;
  readonly path: string;
  readonly tensors: readonly { readonly source: string; readonly outName: string }[];
}

export type PlannedModule = PlannedFactorModule | PlannedReplaceModule;

const KOHYA_NAME = /^lora_(unet|te\d?|transformer)_/;

export function planOutputModules(lora: LoraValue, format: LoraFormat): PlannedModule[] {
  const problems: string[] = [];
  const planned: PlannedModule[] = [];
  const family = lora.architecture.family;
  for (const m of lora.modules) {
    try {
      planned.push(m.kind === 'replace' ? planReplace(m, format) : planFactors(m, format, family));
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      problems.push(`  - ${m.name}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
    }
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 12);
    if (problems.length > 12) shown.push(`  … and ${problems.length - 12} more`);
    throw new EngineError('lora-not-writable', `${lora.label}: ${problems.length} of ${lora.modules.length} modules cannot be written in ${format} format:\n${shown.join('\n')}`, {
      file: lora.inputs[0],
      hint: format === 'kohya' ? 'kohya files hold LoRA/LoCon factors for SD-family and Flux models; try --format peft, or compress non-LoRA modules to a rank first.' : 'Compress non-LoRA modules to a rank first (combine --method svd --rank k).',
    });
  }
  const seen = new Map<string, string>();
  for (const p of planned) {
    const other = seen.get(p.outName);
    if (other !== undefined) {
      throw new EngineError('lora-duplicate-module', `${lora.label}: modules "${other}" and "${p.module.name}" are both written as "${p.outName}".`, {
        module: p.module.name,
        hint: 'The LoRA holds the same layer twice (two spellings); combine it (concat) to add them into one module.',
      });
    }
    seen.set(p.outName, p.module.name);
  }
  return planned;
}

function planFactors(m: LoraModuleValue, format: LoraFormat, family: ArchitectureFamily): PlannedFactorModule {
  if (m.dora) throw new EngineError('lora-dora', 'is DoRA: its effect depends on the base weight, so factors alone do not describe it', { hint: 'bake it into the model with lora-studio merge' });
  if (m.source.type === 'dense') throw new EngineError('lora-dense', 'holds a dense delta, not low-rank factors', { hint: 'compress it to a rank first' });
  if (m.source.type === 'file' && m.kind !== 'lora') throw new EngineError('lora-kind', `is a ${m.kind === 'full' ? 'full (dense) patch' : m.kind.toUpperCase()} module without LoRA factors`, { hint: 'compress it to a rank first (combine --method svd --rank k)' });
  if (m.embedding && format === 'kohya') throw new EngineError('lora-embedding', 'is an embedding LoRA, which kohya files do not have', { hint: 'use --format peft' });
  const outName = format === 'kohya' ? kohyaName(m, family) : peftName(m, family);
  const deltaShape = m.deltaShape;
  if (deltaShape.length !== 2 && deltaShape.length !== 4) throw new EngineError('lora-shape', `has a ${deltaShape.length}-D delta ${JSON.stringify(deltaShape)}; LoRA factors need a 2-D (linear) or 4-D (conv) layer`);
  const out = deltaShape[0]!;
  const inFlat = deltaShape.slice(1).reduce((a, b) => a * b, 1);
  const names =
    format === 'kohya'
      ? { down: `${outName}.lora_down.weight`, up: `${outName}.lora_up.weight`, alpha: `${outName}.alpha` }
      : m.embedding
        ? { down: `${outName}.lora_embedding_A`, up: `${outName}.lora_embedding_B` }
        : { down: `${outName}.lora_A.weight`, up: `${outName}.lora_B.weight` };
  const displayScale = Number.isFinite(m.scale) ? m.scale : 1;
  return { type: 'factors', module: m, outName, deltaShape, out, inFlat, rank: m.rank, displayScale, embedding: m.embedding, names };
}

function kohyaName(m: LoraModuleValue, family: ArchitectureFamily): string {
  if (m.canonical !== undefined && !isHfFamily(family)) return kohyaModuleName(m.canonical, family);
  if (KOHYA_NAME.test(m.name)) return m.name;
  if (isHfFamily(family)) throw new EngineError('no-kohya-name', `kohya module names exist for SD-family and Flux models, not for ${family}`, { hint: 'use --format peft' });
  throw new EngineError('no-kohya-name', `has no kohya name (the LoRA's architecture, ${family}, does not name this module)`, { hint: 'use --format peft' });
}

function peftName(m: LoraModuleValue, family: ArchitectureFamily): string {
  if (m.canonical !== undefined) return peftModuleName(m.canonical, family);
  if (m.name.includes('.') && !KOHYA_NAME.test(m.name)) return m.name;
  throw new EngineError('no-peft-name', `has no PEFT name (the LoRA's architecture, ${family}, does not name this module)`, { hint: 'use --format kohya' });
}

function planReplace(m: LoraModuleValue, format: LoraFormat): PlannedReplaceModule {
  if (format === 'kohya') throw new EngineError('lora-modules-to-save', 'is a PEFT modules_to_save tensor (a full replacement), which kohya files cannot hold', { hint: 'use --format peft' });
  if (m.source.type !== 'file' || m.replaceTensors === undefined) throw new EngineError('lora-modules-to-save', 'replaces base tensors but does not come from a file');
  const outName = m.name.startsWith('base_model.model.') ? m.name : `base_model.model.${m.name}`;
  const tensors = Object.entries(m.replaceTensors).map(([param, source]) => ({ source, outName: `${outName}.${param}` }));
  return { type: 'replace', module: m, outName, path: m.source.path, tensors };
}

/** The module path a PEFT config names (target_modules, rank_pattern): without `base_model.model.` or a diffusers component prefix. */
export function peftConfigPath(outName: string): string {
  for (const prefix of ['base_model.model.', 'unet.', 'text_encoder_2.', 'text_encoder.', 'transformer.']) {
    if (outName.startsWith(prefix)) return outName.slice(prefix.length);
  }
  return outName;
}
