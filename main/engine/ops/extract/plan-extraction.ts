/**
 * Which weights an extraction looks at, named so the LoRA loads on that architecture: every linear / conv
 * unit key mapping finds in the base (BaseModule: a weight, or the q/k/v rows of a fused one), under its kohya
 * name for SD-family and Flux models and its PEFT name for transformers models. Left out: units without such
 * a name (a whole fused in_proj next to its q/k/v slices, parts of fused Flux modules), embedding tables, VAE,
 * 1-D tensors, text encoders when not wanted, and 3×3 convolutions unless a conv rank is given (as kohya
 * without --conv_dim). Each is found in the tuned checkpoint by the same name, so an LDM and a diffusers
 * checkpoint of one model pair up; a missing weight, another shape, or another architecture is an error that
 * names the tensors.
 */
import { EngineError } from '../../errors.js';
import { isHfFamily } from '../../naming/components.js';
import type { BaseModule } from '../../naming/types.js';
import type { BaseModel } from '../../values/model-value.js';
import type { TensorRef } from '../../module-source/source-types.js';

export interface ExtractionUnit {
  /** The module's name in the LoRA (kohya or PEFT spelling). */
  readonly name: string;
  readonly canonical: string;
  readonly block: string;
  readonly base: TensorRef;
  readonly tuned: TensorRef;
  readonly transpose: boolean;
  /** ΔW shape in module orientation: [out, in] or [out, in, kh, kw]. */
  readonly deltaShape: readonly number[];
  readonly conv3x3: boolean;
}

export interface UnitFilter {
  readonly textEncoders: boolean;
  readonly conv3x3: boolean;
}

const EMBEDDING_TABLE = /(^|\.)(embed_tokens|wte|wpe|word_embeddings|position_embeddings|token_type_embeddings|token_embedding|position_embedding|embed_positions|shared)$/;
const MAX_LISTED = 12;

function loraName(m: BaseModule, hf: boolean): string | undefined {
  return hf ? m.peftName : m.kohyaName;
}

function moduleShape(m: BaseModule): readonly number[] {
  const s = m.target.baseShape;
  const rows = m.target.slice?.length ?? s[0]!;
  if (m.target.transpose) return [s[1]!, rows];
  return [rows, ...s.slice(1)];
}

function wanted(m: BaseModule, hf: boolean, filter: UnitFilter): boolean {
  if (m.canonicalPart !== undefined || loraName(m, hf) === undefined) return false;
  if (m.component === 'vae' || m.component === 'other') return false;
  if (!filter.textEncoders && (m.component === 'te' || m.component === 'te1' || m.component === 'te2')) return false;
  const shape = m.target.baseShape;
  if (shape.length !== 2 && shape.length !== 4) return false;
  if (EMBEDDING_TABLE.test(m.canonical)) return false;
  const conv3x3 = shape.length === 4 && shape.slice(2).some((k) => k > 1);
  return !conv3x3 || filter.conv3x3;
}

function listed(lines: readonly string[]): string {
  const shown = lines.slice(0, MAX_LISTED).map((l) => `  - ${l}`);
  if (lines.length > MAX_LISTED) shown.push(`  … and ${lines.length - MAX_LISTED} more`);
  return shown.join('\n');
}

export function planExtraction(base: BaseModel, tuned: BaseModel, filter: UnitFilter): ExtractionUnit[] {
  const a = base.keyMap.architecture;
  const b = tuned.keyMap.architecture;
  if (a.family !== b.family) {
    throw new EngineError('extract-architecture-mismatch', `The base (${base.path}) is ${a.family} and the tuned model (${tuned.path}) is ${b.family}: a LoRA can only be extracted between two checkpoints of one architecture.`, {
      file: tuned.path,
      hint: `Base: ${a.evidence.slice(0, 2).join('; ')}. Tuned: ${b.evidence.slice(0, 2).join('; ')}.`,
    });
  }
  const hf = isHfFamily(a.family);
  const units: ExtractionUnit[] = [];
  const missing: string[] = [];
  const mismatched: string[] = [];
  for (const m of base.keyMap.modules) {
    if (!wanted(m, hf, filter)) continue;
    const name = loraName(m, hf)!;
    const other = tuned.keyMap.lookup(name);
    const baseEntry = base.source.get(m.target.baseKey);
    const tunedEntry = other ? tuned.source.get(other.target.baseKey) : undefined;
    if (!baseEntry) continue;
    if (!other || !tunedEntry) {
      missing.push(`${m.target.baseKey} (${name})`);
      continue;
    }
    const shape = moduleShape(m);
    const otherShape = moduleShape(other);
    if (JSON.stringify(shape) !== JSON.stringify(otherShape) || other.target.transpose !== m.target.transpose) {
      mismatched.push(`${m.target.baseKey}: base ${JSON.stringify(m.target.baseShape)}${m.target.slice ? ` rows ${m.target.slice.start}…` : ''}, tuned "${other.target.baseKey}" ${JSON.stringify(other.target.baseShape)}`);
      continue;
    }
    units.push({
      name,
      canonical: m.canonical,
      block: m.target.block,
      base: { entry: baseEntry, ...(m.target.slice ? { slice: m.target.slice } : {}) },
      tuned: { entry: tunedEntry, ...(other.target.slice ? { slice: other.target.slice } : {}) },
      transpose: m.target.transpose,
      deltaShape: shape,
      conv3x3: shape.length === 4 && shape.slice(2).some((k) => k > 1),
    });
  }
  if (mismatched.length > 0) {
    throw new EngineError('extract-shape-mismatch', `${mismatched.length} weights have other shapes in the tuned model (${tuned.path}):\n${listed(mismatched)}`, {
      file: tuned.path,
      tensor: mismatched[0]!.split(':')[0],
      hint: 'The checkpoints are different sizes or variants of the architecture; extract between a model and its own fine-tune.',
    });
  }
  if (missing.length > 0) {
    throw new EngineError('extract-missing-weights', `${missing.length} weights of the base are not in the tuned model (${tuned.path}):\n${listed(missing)}`, {
      file: tuned.path,
      tensor: missing[0]!.split(' ')[0],
      hint: 'Check that the tuned checkpoint is complete and of the same model (text encoders included, or extract without them).',
    });
  }
  if (units.length === 0) {
    throw new EngineError('extract-nothing', `${base.path}: no linear or convolution weight to extract from (architecture ${a.family}).`, { file: base.path, hint: 'Is this a model checkpoint?' });
  }
  return units;
}
