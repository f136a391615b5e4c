/**
 * Combine LoRAs into one LoRA (lora-studio combine, the Combine LoRAs node): modules aligned across the inputs
 * by canonical name, each output module a lazy source (module-source/) that a sink evaluates in the worker
 * pool. Nothing is read here but what the values already hold: errors that need no tensor come before any work.
 */
import { FAMILY_TITLE } from '../../naming/components.js';
import type { ArchitectureFamily, ArchitectureGuess } from '../../naming/types.js';
import type { LoraModuleValue, LoraValue } from '../../values/lora-value.js';
import { alignModules, type ModuleGroup } from './align.js';
import { CombineError } from './errors.js';
import { combinedModule } from './module-source.js';
import { describeCombineOptions, validateCombineOptions, type CombineOptions, type RawCombineOptions } from './options.js';

export interface CombineInput {
  readonly lora: LoraValue;
  /** w_i: multiplies the input's delta (concat, svd, kohya ratio) or weighs its task vector (ties, dare ...). */
  readonly weight: number;
}

export interface CombinePlan {
  readonly lora: LoraValue;
  readonly options: CombineOptions;
  readonly groups: readonly ModuleGroup[];
  /** Output modules that every input has. */
  readonly shared: number;
}

export function combineLoras(inputs: readonly CombineInput[], raw: RawCombineOptions): LoraValue {
  return planCombine(inputs, raw).lora;
}

export function planCombine(inputs: readonly CombineInput[], raw: RawCombineOptions): CombinePlan {
  const options = validateCombineOptions(raw);
  if (inputs.length === 0) throw new CombineError('combine-no-inputs', 'Nothing to combine: no LoRA was given.', { hint: 'Give at least one --lora.' });
  inputs.forEach(({ lora, weight }) => {
    if (!Number.isFinite(weight)) throw new CombineError('combine-weight-invalid', `${lora.label}: weight ${String(weight)} is not a number.`, { file: lora.inputs[0] });
  });
  const architecture = commonArchitecture(inputs.map((i) => i.lora));
  inputs.forEach(({ lora }) => lora.modules.forEach((m) => refuseNonLinear(lora, m)));
  const groups = alignModules(inputs.map((i) => i.lora), architecture.family);
  const shared = groups.filter((g) => new Set(g.members.map((m) => m.input)).size === inputs.length).length;
  if (inputs.length > 1 && groups.every((g) => new Set(g.members.map((m) => m.input)).size === 1) && architecture.family === 'unknown') {
    throw new CombineError('combine-nothing-in-common', `${inputs.map((i) => i.lora.label).join(', ')} have no module in common and their architecture is unknown, so nothing says they belong together.`, {
      hint: 'Check that the LoRAs were made for the same base model.',
    });
  }
  const weighted = inputs.map((i) => ({ label: i.lora.label, weight: i.weight }));
  const modules = groups.map((g) => combinedModule(g, weighted, options));
  const lora: LoraValue = {
    kind: 'lora',
    label: `${options.method}(${inputs.map((i) => i.lora.label).join(', ')})`,
    architecture,
    modules,
    inputs: [...new Set(inputs.flatMap((i) => i.lora.inputs))],
    inputRoles: Object.fromEntries(inputs.flatMap((i) => Object.entries(i.lora.inputRoles ?? {}))),
    unusedKeys: inputs.flatMap((i) => i.lora.unusedKeys.map((u) => ({ key: `${i.lora.label}: ${u.key}`, reason: u.reason }))),
  };
  // Save LoRA keeps task type, base model and fan_in_fan_out from a PEFT config: the first input's, if any has one.
  const peftConfig = inputs.find((i) => i.lora.peftConfig !== undefined)?.lora.peftConfig;
  if (peftConfig) return { lora: { ...lora, peftConfig }, options, groups, shared };
  return { lora, options, groups, shared };
}

export { describeCombineOptions };

const LLAMA_LIKE: readonly ArchitectureFamily[] = ['llama', 'mistral', 'qwen2'];

/** The inputs' architecture; two known, different families are refused (Llama, Mistral and Qwen2 share names). */
function commonArchitecture(loras: readonly LoraValue[]): ArchitectureGuess {
  const known = loras.filter((l) => l.architecture.family !== 'unknown');
  const first = known[0];
  if (!first) return loras[0]!.architecture;
  for (const other of known) {
    const a = first.architecture.family;
    const b = other.architecture.family;
    if (a === b || (LLAMA_LIKE.includes(a) && LLAMA_LIKE.includes(b))) continue;
    throw new CombineError(
      'combine-architecture-mismatch',
      `${first.label} is a ${FAMILY_TITLE[a]} LoRA but ${other.label} is a ${FAMILY_TITLE[b]} LoRA; LoRAs for different models cannot be combined.`,
      { file: other.inputs[0], hint: `Evidence for ${other.label}: ${other.architecture.evidence.slice(0, 3).join('; ') || 'its module names and shapes'}.` },
    );
  }
  return first.architecture;
}

/** DoRA and modules_to_save are not additive deltas: refused before anything is computed, never combined silently. */
function refuseNonLinear(lora: LoraValue, m: LoraModuleValue): void {
  const file = m.source.type === 'file' ? m.source.path : lora.inputs[0];
  if (m.dora) {
    throw new CombineError('combine-dora', `${lora.label}: module "${m.name}" is DoRA; a DoRA module rescales W + ΔW by its magnitude vector, so it cannot be added to other LoRAs.`, {
      file,
      module: m.name,
      hint: 'Bake DoRA LoRAs into the base model instead (lora-studio merge applies them one after the other).',
    });
  }
  if (m.kind === 'replace') {
    throw new CombineError('combine-replace-module', `${lora.label}: "${m.name}" is a PEFT modules_to_save tensor set (it replaces base weights); replacements cannot be weighted or combined.`, {
      file,
      module: m.name,
      hint: 'Bake the adapter into the base model instead (lora-studio merge), or remove modules_to_save from it.',
    });
  }
}
