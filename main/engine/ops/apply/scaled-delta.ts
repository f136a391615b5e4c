/**
 * coefficient·scale·ΔW with the scalars folded into the small `up` factor before the matmul, so a LoRA
 * delta costs one matmul and no extra pass over the out×in result.
 */
import type { MatMul } from '../../compute/matmul.js';
import { computeModuleDelta } from '../../adapters/delta.js';
import { readLoraFactors } from '../../adapters/factors.js';
import type { LowRankFactors } from '../../adapters/types.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { cachedModule } from '../../adapters/adapter-cache.js';
import { moduleDelta } from '../../module-source/evaluate.js';

/** f with `factor` folded into a copy of up (f itself when factor is 1). */
function foldIntoUp(f: LowRankFactors, factor: number): LowRankFactors {
  if (factor === 1) return f;
  const up = new Float32Array(f.up.length);
  for (let i = 0; i < up.length; i++) up[i] = f.up[i]! * factor;
  return { ...f, up };
}

/**
 * The factors of a plain low-rank source (a LoRA module from a file, or in-memory factors) with
 * coefficient·scale folded into up, so that coefficient·ΔW = up·down; undefined for every other source.
 */
export async function scaledFactors(source: ModuleSource, coefficient: number, matmul: MatMul): Promise<LowRankFactors | undefined> {
  if (source.type === 'file') {
    const { adapter, module } = await cachedModule(source.path, source.module);
    if (module.params.kind !== 'lora') return undefined;
    return foldIntoUp(await readLoraFactors(adapter, module, matmul), module.scale * coefficient);
  }
  if (source.type === 'factors') return foldIntoUp(source.factors, source.scale * coefficient);
  return undefined;
}

export async function scaledDelta(source: ModuleSource, coefficient: number, matmul: MatMul): Promise<Float32Array> {
  const f = await scaledFactors(source, coefficient, matmul);
  if (f) return matmul.matmul(f.up, f.down, f.out, f.rank, f.inFlat);
  if (source.type === 'file') {
    const { adapter, module } = await cachedModule(source.path, source.module);
    return scaleInPlace(await computeModuleDelta(adapter, module, matmul), coefficient);
  }
  const d = await moduleDelta(source, matmul);
  return coefficient === 1 ? d : source.type === 'dense' ? Float32Array.from(d, (v) => v * coefficient) : scaleInPlace(d, coefficient);
}

function scaleInPlace(d: Float32Array, c: number): Float32Array {
  if (c !== 1) for (let i = 0; i < d.length; i++) d[i]! *= c;
  return d;
}
