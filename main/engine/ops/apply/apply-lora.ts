/**
 * Apply LoRA: map a `lora` value onto a model's base and add it as a step. Modules that match nothing are an
 * error listing them (with the reason naming gives for each), unless allowUnmatched.
 */
import { EngineError } from '../../errors.js';
import { mapAdapter } from '../../naming/map-adapter.js';
import type { MappingReport } from '../../naming/types.js';
import type { LoraValue } from '../../values/lora-value.js';
import { linearOrientedShape } from '../../values/from-adapter.js';
import type { AppliedLora, BaseModel, ModelValue } from '../../values/model-value.js';

export interface ApplyOptions {
  /** Report unmatched modules instead of failing. */
  allowUnmatched?: boolean;
  /** Keep modules that fit even when the LoRA was made for another architecture. */
  acceptArchitectureMismatch?: boolean;
}

export function mapLora(base: BaseModel, lora: LoraValue, opts: ApplyOptions = {}): MappingReport {
  const shapes = lora.modules.map((m) => ({ name: m.name, deltaShape: linearOrientedShape(m) }));
  return mapAdapter(base.keyMap, shapes, { acceptArchitectureMismatch: opts.acceptArchitectureMismatch });
}

export function describeUnmatched(report: MappingReport, max = 12): string {
  const lines = report.unmatched.slice(0, max).map((u) => `  - ${u.module}: ${u.reason}`);
  if (report.unmatched.length > max) lines.push(`  … and ${report.unmatched.length - max} more`);
  return lines.join('\n');
}

export function prepareApply(base: BaseModel, lora: LoraValue, strength: number, opts: ApplyOptions = {}): AppliedLora {
  if (!Number.isFinite(strength)) throw new EngineError('bad-strength', `Strength ${strength} for ${lora.label} is not a number.`);
  const mapping = mapLora(base, lora, opts);
  if (mapping.unmatched.length > 0 && !opts.allowUnmatched) {
    const total = lora.modules.length;
    throw new EngineError(
      'unmatched-modules',
      `${lora.label}: ${mapping.unmatched.length} of ${total} modules match nothing in ${base.path}:\n${describeUnmatched(mapping)}`,
      { file: lora.inputs[0], hint: 'Check that the LoRA was made for this base model; --allow-unmatched applies the modules that do match and reports the rest.' },
    );
  }
  if (mapping.matched.length === 0) {
    throw new EngineError('nothing-matched', `${lora.label}: none of its ${lora.modules.length} modules match ${base.path}:\n${describeUnmatched(mapping)}`, {
      file: lora.inputs[0],
      hint: 'The LoRA and the base are for different models.',
    });
  }
  return { lora, strength, mapping };
}

export function applyLoraToModel(model: ModelValue, lora: LoraValue, strength: number, opts: ApplyOptions = {}): ModelValue {
  const applied = prepareApply(model.base, lora, strength, opts);
  return { ...model, steps: [...model.steps, { type: 'apply', applied }], label: `${model.label} + ${lora.label}` };
}
