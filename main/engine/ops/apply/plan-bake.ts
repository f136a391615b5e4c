/**
 * ModelValue → one TensorJob per base tensor, in storage order: which patches each tensor gets, in step
 * order, with the output dtype. Pure planning: reads nothing but headers already open.
 */
import { EngineError } from '../../errors.js';
import { isFloatDType, type DType, type WritableFloatDType } from '../../tensor-io/dtypes.js';
import { resolveOutputDType } from '../../tensor-io/dtypes.js';
import type { Fp8Overflow } from '../../tensor-io/float-convert.js';
import type { ModuleTarget } from '../../naming/types.js';
import type { LoraModuleValue } from '../../values/lora-value.js';
import type { AppliedLora, ModelStep, ModelValue } from '../../values/model-value.js';
import type { DeltaPatch, MergePatch, OtherModelTensor, TensorJob, TensorPatch } from './patch-spec.js';

export interface BakePlanOptions {
  dtype: WritableFloatDType | 'same';
  fp8Overflow?: Fp8Overflow;
  /** Let F16/BF16 values that overflow to ±Inf through (output-overflow.ts refuses them by default). */
  allowOverflow?: boolean;
}

type PatchSink = (baseKey: string, patch: TensorPatch) => void;

function deltaPatch(m: LoraModuleValue, target: ModuleTarget, coefficient: number): DeltaPatch {
  return {
    type: 'delta',
    module: m.name,
    source: m.source,
    deltaShape: m.deltaShape,
    coefficient: coefficient * m.strength,
    slice: target.slice,
    // The base side decides (GPT-2 Conv1D); a PEFT embedding's delta is (B·A)ᵀ on top of that.
    transpose: target.transpose !== m.embedding,
    dora: m.dora,
    lowRank: m.kind === 'lora' && (m.source.type === 'file' || m.source.type === 'factors'),
  };
}

/** Every patch one applied LoRA puts on the base, by base key. */
function appliedPatches(applied: AppliedLora, coefficient: number, emit: PatchSink): void {
  const byName = new Map(applied.lora.modules.map((m) => [m.name, m]));
  for (const { module: name, target } of applied.mapping.matched) {
    const m = byName.get(name);
    if (!m) continue;
    if (m.kind === 'replace') {
      if (m.source.type !== 'file') throw new EngineError('bad-replace', `Module "${m.name}" replaces base tensors but does not come from a file.`, { module: m.name });
      emitReplace(m, target, emit);
      continue;
    }
    emit(target.baseKey, deltaPatch(m, target, coefficient));
    if (m.kind === 'full' && target.biasKey && m.source.type === 'file') {
      emit(target.biasKey, { type: 'bias', module: m.name, source: m.source, coefficient: coefficient * m.strength, slice: target.slice });
    }
  }
}

function emitReplace(m: LoraModuleValue, target: ModuleTarget, emit: PatchSink): void {
  if (m.source.type !== 'file') return;
  const tensors = replaceTensors(m);
  for (const [param, tensor] of Object.entries(tensors)) {
    const key = param === 'weight' ? target.baseKey : param === 'bias' ? target.biasKey : undefined;
    if (!key) {
      throw new EngineError('replace-target-missing', `Module "${m.name}" replaces "${param}" but the base has no such tensor for ${target.baseKey}.`, { module: m.name, tensor });
    }
    emit(key, { type: 'replace', module: m.name, path: m.source.path, tensor });
  }
}

/** The replace module's tensors by parameter name; carried on the module value's source file. */
function replaceTensors(m: LoraModuleValue): Record<string, string> {
  if (!m.replaceTensors) throw new EngineError('bad-replace', `Module "${m.name}" has no tensors to replace with.`, { module: m.name });
  return m.replaceTensors;
}

/** The patches a model's steps put on each of its base tensors, and the tensors a selection dropped. */
function planPatches(model: ModelValue): { patches: Map<string, TensorPatch[]>; dropped: Set<string> } {
  const patches = new Map<string, TensorPatch[]>();
  const dropped = new Set<string>();
  const emit: PatchSink = (key, patch) => {
    const list = patches.get(key);
    if (list) list.push(patch);
    else patches.set(key, [patch]);
  };
  for (const step of model.steps) {
    if (step.type === 'apply') appliedPatches(step.applied, step.applied.strength, emit);
    else if (step.type === 'select') {
      for (const key of step.keys) {
        patches.delete(key);
        if (step.effect === 'drop') dropped.add(key);
      }
    } else if (step.type === 'merge-models') emitModelMerge(model, step, emit);
    else {
      const perKey = new Map<string, MergePatch['members'][number][]>();
      step.members.forEach((member, index) => {
        const own = new Map<string, DeltaPatch[]>();
        appliedPatches(member, 1, (key, patch) => {
          if (patch.type !== 'delta') {
            const name = patch.type === 'merge' || patch.type === 'model-merge' ? key : patch.module;
            throw new EngineError('merge-unsupported-module', `${member.lora.label}: module "${name}" (${patch.type}) cannot enter a ${step.options.method} merge; only additive deltas can.`, {
              module: name,
              hint: 'Use method sum for LoRAs with modules_to_save, bias diffs or DoRA.',
            });
          }
          own.set(key, [...(own.get(key) ?? []), patch]);
        });
        for (const [key, list] of own) perKey.set(key, [...(perKey.get(key) ?? []), { index, weight: member.strength, patches: list }]);
      });
      for (const [key, members] of perKey) emit(key, { type: 'merge', options: step.options, members });
    }
  }
  const source = model.base.source;
  for (const key of patches.keys()) {
    if (!source.get(key)) throw new EngineError('unknown-target', `A patch targets "${key}", which ${source.path} does not have.`, { tensor: key, file: source.path });
  }
  return { patches, dropped };
}

/** Merge Models: every tensor of A's base that B has (same name) gets B's value (and C's) with their own patches. */
function emitModelMerge(model: ModelValue, step: Extract<ModelStep, { type: 'merge-models' }>, emit: PatchSink): void {
  const b = planPatches(step.b);
  const c = step.c ? planPatches(step.c) : undefined;
  const other = (m: ModelValue, planned: ReturnType<typeof planPatches>, key: string): OtherModelTensor | undefined => {
    const entry = m.base.source.get(key);
    return entry && !planned.dropped.has(key) ? { entry, patches: planned.patches.get(key) ?? [] } : undefined;
  };
  for (const entry of model.base.source.entries) {
    if (!isFloatDType(entry.dtype)) continue;
    const bt = other(step.b, b, entry.name);
    const ct = step.c && c ? other(step.c, c, entry.name) : undefined;
    if (!bt || (step.mode === 'add_difference' && !ct)) continue;
    emit(entry.name, { type: 'model-merge', mode: step.mode, factor: step.factor, b: bt, ...(ct ? { c: ct } : {}) });
  }
}

export function planBake(model: ModelValue, opts: BakePlanOptions): TensorJob[] {
  const { patches, dropped } = planPatches(model);
  return model.base.source.entries
    .filter((entry) => !dropped.has(entry.name))
    .map((entry) => {
      const outDtype: DType = isFloatDType(entry.dtype) ? resolveOutputDType(entry.dtype, opts.dtype) : entry.dtype;
      return { entry, outDtype, patches: patches.get(entry.name) ?? [], fp8Overflow: opts.fp8Overflow, ...(opts.allowOverflow ? { allowOverflow: true } : {}) };
    });
}
