/**
 * New LoRA (the seed's example): a fresh rank-r branch ΔW = (alpha/r)·B·A on every layer of a base whose name
 * matches the patterns, with A (down, r × in·kh·kw) and B (up, out × r); one factor zero (ΔW = 0, so the model
 * is unchanged until trained), the other drawn seeded. Modules are named as kohya (SD family) or PEFT spells
 * them, so Apply LoRA and Save LoRA treat the result like a LoRA read from a file.
 */
import { matchesAnyPattern } from '../../../../shared/nodes/patterns.js';
import { EngineError } from '../../errors.js';
import type { BaseModule } from '../../naming/types.js';
import type { LoraModuleValue, LoraValue } from '../../values/lora-value.js';
import type { BaseModel } from '../../values/model-value.js';
import { initFactor, type InitDistribution } from './init-factors.js';

export interface NewLoraOptions {
  readonly rank: number;
  readonly alpha: number;
  /** Layer patterns (shared/nodes patterns), matched against the base key, the canonical and the PEFT name. */
  readonly targets: readonly string[];
  readonly zeroFactor: 'up' | 'down' | 'none';
  readonly distribution: InitDistribution;
  readonly seed: number;
  readonly label?: string;
}

/** [out, in(, kh, kw)] of the layer in nn.Linear orientation (a transposed base stores [in, out]). */
function moduleShape(m: BaseModule): number[] {
  const t = m.target;
  const shape = [...t.baseShape];
  if (t.slice) shape[0] = t.slice.length;
  return t.transpose && shape.length === 2 ? [shape[1]!, shape[0]!] : shape;
}

function moduleName(m: BaseModule): string {
  return m.kohyaName ?? m.peftName ?? m.target.baseKey.replace(/\.weight$/, '');
}

export function createNewLora(base: BaseModel, o: NewLoraOptions): LoraValue {
  if (!Number.isInteger(o.rank) || o.rank < 1) throw new EngineError('bad-rank', `New LoRA: rank ${o.rank} is not a whole number ≥ 1.`);
  if (!(o.alpha > 0)) throw new EngineError('bad-alpha', `New LoRA: alpha ${o.alpha} must be > 0.`);
  const picked = base.keyMap.modules.filter((m) => {
    if (m.target.baseShape.length < 2 || m.component === 'vae') return false;
    const names = [m.target.baseKey, m.canonical, ...(m.peftName ? [m.peftName] : []), ...(m.kohyaName ? [m.kohyaName] : [])];
    return names.some((n) => matchesAnyPattern(o.targets, n));
  });
  if (picked.length === 0) {
    throw new EngineError('no-targets', `New LoRA: no layer of ${base.path} matches ${o.targets.map((t) => `"${t}"`).join(', ')}.`, {
      file: base.path,
      hint: 'Patterns match tensor names (model.diffusion_model…attn1.to_q), canonical names (unet.down_blocks…) and PEFT names (q_proj).',
    });
  }
  const scale = o.alpha / o.rank;
  const modules: LoraModuleValue[] = picked.map((m) => {
    const shape = moduleShape(m);
    const out = shape[0]!;
    const inFlat = shape.slice(1).reduce((a, b) => a * b, 1);
    const name = moduleName(m);
    const down = o.zeroFactor === 'down' ? new Float32Array(o.rank * inFlat) : initFactor(o.rank * inFlat, inFlat, o.rank, o.distribution, o.seed, name, 'down');
    const up = o.zeroFactor === 'up' ? new Float32Array(out * o.rank) : initFactor(out * o.rank, o.rank, o.rank, o.distribution, o.seed, name, 'up');
    return {
      name,
      canonical: m.canonical,
      block: m.target.block,
      kind: 'lora',
      deltaShape: shape,
      rank: o.rank,
      scale,
      embedding: false,
      dora: false,
      strength: 1,
      source: { type: 'factors', factors: { up, down, rank: o.rank, out, inFlat }, scale },
    };
  });
  return {
    kind: 'lora',
    label: o.label ?? 'new LoRA',
    architecture: base.keyMap.architecture,
    modules,
    inputs: [],
    unusedKeys: [],
  };
}
