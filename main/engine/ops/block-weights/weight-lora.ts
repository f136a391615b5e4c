/** Block weights on a `lora` value: each module's strength times its block's multiplier (ΔW' = m(block)·ΔW). */
import { EngineError } from '../../errors.js';
import { scaleLora, type LoraModuleValue, type LoraValue } from '../../values/lora-value.js';
import type { BlockMultiplier } from './multiplier.js';

export interface LoraBlockWeighting {
  readonly multiplier: BlockMultiplier;
  /**
   * The block label of a module. Default: the module's own `block` (from its canonical name, known without a
   * base). Applied onto a base, the mapping's target.block is authoritative: pass it here.
   */
  readonly blockOf?: (m: LoraModuleValue) => string | undefined;
}

export function weightLoraByBlocks(lora: LoraValue, weighting: LoraBlockWeighting, label?: string): LoraValue {
  const blockOf = weighting.blockOf ?? ((m: LoraModuleValue) => m.block);
  return scaleLora(
    lora,
    (m) => {
      const block = blockOf(m);
      if (block === undefined) {
        throw new EngineError('block-unknown', `${lora.label}: module "${m.name}" has no block label, so block weights cannot be applied to it.`, {
          module: m.name,
          file: lora.inputs[0],
          hint: `The LoRA's architecture (${lora.architecture.family}) does not name this module; apply it to a base model (merge) so key mapping finds its block, or leave block weights out.`,
        });
      }
      return weighting.multiplier(block, m.canonical ?? m.name);
    },
    label,
  );
}
