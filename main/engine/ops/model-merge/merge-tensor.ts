/**
 * Merge Models on one tensor, in fp32: weighted_sum W ← (1 − α)·W + α·B, add_difference W ← W + m·(B − C),
 * W being A's tensor with A's patches so far and B, C the other models' tensors with their own patches (each
 * produced by the same bake, in fp32). Shapes must agree (the kernel checks every tensor before the export).
 */
import { EngineError } from '../../errors.js';
import { decodeFloat } from '../../tensor-io/float-convert.js';
import type { TensorEntry } from '../../tensor-io/safetensors-header.js';
import type { WeightView } from '../apply/add-delta.js';
import type { ModelMergePatch, OtherModelTensor, TensorJob } from '../apply/patch-spec.js';

/** Bakes a job to bytes (the caller's bakeTensor, passed in to keep this module free of a cycle). */
export type BakeJob = (job: TensorJob) => Promise<Uint8Array>;

async function otherTensor(entry: TensorEntry, t: OtherModelTensor, bake: BakeJob): Promise<Float32Array> {
  if (t.entry.shape.length !== entry.shape.length || t.entry.shape.some((d, i) => d !== entry.shape[i])) {
    throw new EngineError('merge-shape-mismatch', `Merge Models: "${entry.name}" is [${entry.shape.join(', ')}] in ${entry.file} but [${t.entry.shape.join(', ')}] in ${t.entry.file}.`, {
      tensor: entry.name,
      file: t.entry.file,
      hint: 'Only models of the same architecture and size can be merged.',
    });
  }
  return decodeFloat(await bake({ entry: t.entry, outDtype: 'F32', patches: t.patches }), 'F32');
}

export async function applyModelMerge(w: WeightView, entry: TensorEntry, patch: ModelMergePatch, bake: BakeJob): Promise<void> {
  const d = w.data;
  const f = patch.factor;
  const b = await otherTensor(entry, patch.b, bake);
  if (patch.mode === 'weighted_sum') {
    for (let i = 0; i < d.length; i++) d[i] = (1 - f) * d[i]! + f * b[i]!;
    return;
  }
  if (!patch.c) throw new EngineError('merge-needs-c', `Merge Models: add difference on "${entry.name}" needs model C.`, { tensor: entry.name });
  const c = await otherTensor(entry, patch.c, bake);
  for (let i = 0; i < d.length; i++) d[i]! += f * (b[i]! - c[i]!);
}
