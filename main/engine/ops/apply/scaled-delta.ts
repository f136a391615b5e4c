/**
 * coefficient·scale·ΔW with the scalars folded into the small `up` factor before the matmul, so a LoRA
 * delta costs one matmul and no extra pass over the out×in result.
 */
import type { MatMul } from '../../compute/matmul.js';
import { computeModuleDelta } from '../../adapters/delta.js';
import { readLoraFactors } from '../../adapters/factors.js';
import type { LowRankFactors } from '../../adapters/types.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { cachedModule } from './adapter-cache.js';
import { moduleDelta } from './module-delta.js';

async function product(f: LowRankFactors, factor: number, matmul: MatMul): Promise<Float32Array> {
  let up = f.up;
  if (factor !== 1) {
    up = new Float32Array(f.up.length);
    for (let i = 0; i < up.length; i++) up[i] = f.up[i]! * factor;
  }
  return matmul.matmul(up, f.down, f.out, f.rank, f.inFlat);
}

export async function scaledDelta(source: ModuleSource, coefficient: number, matmul: MatMul): Promise<Float32Array> {
  if (source.type === 'file') {
    const { adapter, module } = await cachedModule(source.path, source.module);
    if (module.params.kind === 'lora') return product(await readLoraFactors(adapter, module, matmul), module.scale * coefficient, matmul);
    const d = await computeModuleDelta(adapter, module, matmul);
    return scaleInPlace(d, coefficient);
  }
  if (source.type === 'factors') return product(source.factors, source.scale * coefficient, matmul);
  const d = await moduleDelta(source, matmul);
  return coefficient === 1 ? d : source.type === 'dense' ? Float32Array.from(d, (v) => v * coefficient) : scaleInPlace(d, coefficient);
}

function scaleInPlace(d: Float32Array, c: number): Float32Array {
  if (c !== 1) for (let i = 0; i < d.length; i++) d[i]! *= c;
  return d;
}
