/** How Save LoRA describes a module that a node computed in the pool (the resize and extract reports' rows). */
import type { ModuleFactorsResult } from '../module-source/task.js';
import type { LoraModuleValue } from '../values/lora-value.js';
import type { SavedLoraModule } from './save-lora.js';

export function savedModuleOf(m: LoraModuleValue, r: ModuleFactorsResult): SavedLoraModule {
  return {
    name: m.name,
    source: m.name,
    ...(m.canonical ? { canonical: m.canonical } : {}),
    ...(m.block ? { block: m.block } : {}),
    rank: r.factors.rank,
    alpha: r.factors.rank * m.scale,
    ...(r.compression ? { compression: r.compression } : {}),
  };
}
