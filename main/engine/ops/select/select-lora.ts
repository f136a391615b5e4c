/** Select LoRA Layers: the modules a selector keeps (matched by file name and canonical name, or by block). */
import type { LoraValue } from '../../values/lora-value.js';
import type { LayerSelector } from './layer-selector.js';

export function selectLoraModules(lora: LoraValue, keep: LayerSelector): LoraValue {
  const modules = lora.modules.filter((m) => keep(m.canonical ? [m.name, m.canonical] : [m.name], m.block));
  return { ...lora, modules };
}
