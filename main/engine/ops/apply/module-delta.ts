/** The dense ΔW of a module source (module orientation, scale included, strength not). */
import type { MatMul } from '../../compute/matmul.js';
import { computeModuleDelta } from '../../adapters/delta.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { cachedModule } from './adapter-cache.js';
import { combinedModuleDelta } from '../module-source/combined-delta.js';
import { moduleFactors } from '../module-source/module-factors.js';
import { deltaOfFactors } from '../module-source/scaled-factors.js';

export async function moduleDelta(source: ModuleSource, matmul: MatMul): Promise<Float32Array> {
  switch (source.type) {
    case 'file': {
      const { adapter, module } = await cachedModule(source.path, source.module);
      return computeModuleDelta(adapter, module, matmul);
    }
    case 'factors': {
      const f = source.factors;
      const d = await matmul.matmul(f.up, f.down, f.out, f.rank, f.inFlat);
      if (source.scale !== 1) for (let i = 0; i < d.length; i++) d[i]! *= source.scale;
      return d;
    }
    case 'dense':
      return source.delta;
    case 'concat':
    case 'compress':
    case 'task-merge':
    case 'kohya-merge':
      return combinedModuleDelta(source, matmul);
    case 'extract':
      return deltaOfFactors(await moduleFactors(source, matmul), matmul);
  }
}
