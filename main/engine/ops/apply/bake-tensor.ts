/**
 * One output tensor of a baked model: read the base tensor at its offset, decode to fp32, apply the patches in
 * order, round once to the output dtype (an F16/BF16 value that overflows there is refused: output-overflow.ts). Runs in a worker thread (task 'bake.tensorToFile') or inline. Plain
 * low-rank deltas on F16/BF16/F32 take the fused WebAssembly kernel (kernels/), which never forms ΔW.
 */
import type { MatMul } from '../../compute/matmul.js';
import { readBiasDelta } from '../../adapters/delta.js';
import { applyDoRA } from '../../adapters/dora.js';
import { EngineError, throwIfAborted } from '../../errors.js';
import { elementCount, isFloatDType } from '../../tensor-io/dtypes.js';
import { castTensorBytes, decodeFloat, encodeFloat } from '../../tensor-io/float-convert.js';
import { readTensorBytesSync } from '../../tensor-io/positional-read.js';
import { mergeTaskVectors } from '../../merge-methods/merge-task-vectors.js';
import { cachedAdapter, cachedModule } from '../../adapters/adapter-cache.js';
import { addDelta, checkDeltaFits, deltaExtent, readRegion, weightView, writeRegion, type WeightView } from './add-delta.js';
import { fusedAddCast } from './fused-add.js';
import { outputOverflowCheck } from './output-overflow.js';
import { lowRankJob, type LowRankJob } from './kernels/low-rank-job.js';
import type { OutputSink } from './kernels/low-rank-bake.js';
import { moduleDelta } from '../../module-source/evaluate.js';
import { scaledDelta } from './scaled-delta.js';
import { applyModelMerge } from '../model-merge/merge-tensor.js';
import type { BiasPatch, DeltaPatch, MergePatch, ReplacePatch, TensorJob, TensorPatch } from './patch-spec.js';

const isPlainDelta = (p: TensorPatch): p is DeltaPatch => p.type === 'delta' && !p.dora;

/** The job on the fused kernel when it takes it: plain deltas (or none, for a cast) on a float weight. */
async function kernelJob(job: TensorJob, matmul: MatMul, signal: AbortSignal | undefined): Promise<LowRankJob | undefined> {
  const { entry, outDtype } = job;
  const additive = job.patches.length > 0 && job.patches.every(isPlainDelta);
  if (!(additive || (job.patches.length === 0 && outDtype !== entry.dtype)) || !isFloatDType(entry.dtype)) return undefined;
  return lowRankJob(job, job.patches as readonly DeltaPatch[], matmul, signal);
}

/** The output tensor's bytes; `out`, when given with the output's exact size, may receive them (a reused buffer). */
export async function bakeTensor(job: TensorJob, matmul: MatMul, signal?: AbortSignal, out?: Uint8Array): Promise<Uint8Array> {
  const fused = await kernelJob(job, matmul, signal);
  const bytes = fused ? await fused.toBytes(out) : await bakeTensorJs(job, matmul, signal);
  outputOverflowCheck(job)?.(bytes, 0);
  return bytes;
}

/** The output tensor, in order, to `sink` (block by block from the fused kernel, else in one piece). */
export async function bakeTensorTo(job: TensorJob, matmul: MatMul, toSink: OutputSink, signal?: AbortSignal): Promise<void> {
  const check = outputOverflowCheck(job);
  const sink: OutputSink = check ? (bytes, offset) => { check(bytes, offset); toSink(bytes, offset); } : toSink;
  const fused = await kernelJob(job, matmul, signal);
  if (fused) await fused.toSink(sink);
  else sink(await bakeTensorJs(job, matmul, signal), 0);
}

async function bakeTensorJs(job: TensorJob, matmul: MatMul, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const { entry, outDtype } = job;
  const additive = job.patches.every(isPlainDelta);
  const bytes = readTensorBytesSync(entry);
  if (job.patches.length === 0) {
    return outDtype === entry.dtype ? bytes : castTensorBytes(bytes, entry.dtype, outDtype, { fp8Overflow: job.fp8Overflow });
  }
  if (!isFloatDType(entry.dtype)) {
    throw new EngineError('patch-on-integer-tensor', `${entry.file}: tensor "${entry.name}" is ${entry.dtype}; LoRA patches apply to float weights only.`, { file: entry.file, tensor: entry.name });
  }
  if (additive) return bakeAdditive(job, bytes, job.patches as readonly DeltaPatch[], matmul, signal);
  const w = weightView(decodeFloat(bytes, entry.dtype), entry.shape);
  for (const patch of job.patches) {
    throwIfAborted(signal);
    switch (patch.type) {
      case 'delta':
        await applyDeltaPatch(w, entry.name, patch, matmul);
        break;
      case 'bias':
        await applyBiasPatch(w, entry.name, patch);
        break;
      case 'replace':
        await applyReplacePatch(w, entry.name, entry.shape, patch);
        break;
      case 'merge':
        await applyMergePatch(w, entry.name, patch, matmul, signal);
        break;
      case 'model-merge':
        await applyModelMerge(w, entry, patch, (other) => bakeTensor(other, matmul, signal));
        break;
    }
  }
  return encodeFloat(w.data, outDtype, { fp8Overflow: job.fp8Overflow });
}

/**
 * Only plain deltas that the fused kernel (kernels/low-rank-job.ts) does not take: sum them (one matmul each,
 * scalars folded in), then one fused decode-add-encode pass.
 */
async function bakeAdditive(job: TensorJob, bytes: Uint8Array, patches: readonly DeltaPatch[], matmul: MatMul, signal: AbortSignal | undefined): Promise<Uint8Array> {
  const { entry } = job;
  const rows = entry.shape.length === 0 ? 1 : entry.shape[0]!;
  const view: WeightView = { data: new Float32Array(0), rows, cols: elementCount(entry.shape) / Math.max(1, rows) };
  const single = patches.length === 1 && !patches[0]!.transpose ? patches[0]! : undefined;
  if (single) {
    const delta = await scaledDelta(single.source, single.coefficient, matmul);
    checkDeltaFits(single.module, entry.name, view, delta, single.slice, false);
    return fusedAddCast(bytes, entry.dtype, delta, single.slice ? single.slice.start * view.cols : 0, job.outDtype, job.fp8Overflow);
  }
  const sum: WeightView = { ...view, data: new Float32Array(elementCount(entry.shape)) };
  for (const p of patches) {
    throwIfAborted(signal);
    const delta = await scaledDelta(p.source, p.coefficient, matmul);
    checkDeltaFits(p.module, entry.name, sum, delta, p.slice, p.transpose);
    addDelta(sum, delta, 1, p.slice, p.transpose);
  }
  return fusedAddCast(bytes, entry.dtype, sum.data, 0, job.outDtype, job.fp8Overflow);
}

async function applyDeltaPatch(w: WeightView, target: string, patch: DeltaPatch, matmul: MatMul): Promise<void> {
  const delta = await moduleDelta(patch.source, matmul);
  checkDeltaFits(patch.module, target, w, delta, patch.slice, patch.transpose);
  if (!patch.dora) {
    addDelta(w, delta, patch.coefficient, patch.slice, patch.transpose);
    return;
  }
  if (patch.source.type !== 'file') {
    throw new EngineError('dora-not-file', `Module "${patch.module}" is DoRA but does not come from a file; DoRA modules cannot be recombined.`, { module: patch.module });
  }
  const { adapter, module } = await cachedModule(patch.source.path, patch.source.module);
  const dora = module.dora!;
  const magnitude = await adapter.source.readFloat32(dora.key);
  const { out, inFlat } = deltaExtent(w, patch.slice, patch.transpose);
  const region = readRegion(w, patch.slice, patch.transpose);
  const updated = applyDoRA(region, delta, magnitude, dora.norm, out, inFlat, { epsilon: dora.epsilon });
  // Strength blends between the base and the full DoRA result, as ComfyUI does: W + m·(DoRA(W) − W).
  const c = patch.coefficient;
  if (c !== 1) for (let i = 0; i < updated.length; i++) updated[i] = region[i]! + c * (updated[i]! - region[i]!);
  writeRegion(w, updated, patch.slice, patch.transpose);
}

async function applyBiasPatch(w: WeightView, target: string, patch: BiasPatch): Promise<void> {
  const { adapter, module } = await cachedModule(patch.source.path, patch.source.module);
  const delta = await readBiasDelta(adapter, module);
  if (!delta) return;
  checkDeltaFits(patch.module, target, w, delta, patch.slice, false);
  addDelta(w, delta, patch.coefficient, patch.slice, false);
}

async function applyReplacePatch(w: WeightView, target: string, shape: readonly number[], patch: ReplacePatch): Promise<void> {
  const adapter = await cachedAdapter(patch.path);
  const entry = adapter.source.get(patch.tensor);
  if (!entry || entry.shape.length !== shape.length || entry.shape.some((s, i) => s !== shape[i])) {
    throw new EngineError('replace-shape-mismatch', `${patch.path}: "${patch.tensor}" ${entry ? `has shape [${entry.shape.join(', ')}]` : 'is missing'} but replaces "${target}" of shape [${shape.join(', ')}].`, {
      file: patch.path,
      tensor: patch.tensor,
      module: patch.module,
      hint: 'modules_to_save tensors must have the base tensor\'s shape (same number of labels for a classifier head).',
    });
  }
  w.data.set(await adapter.source.readFloat32(patch.tensor));
}

async function applyMergePatch(w: WeightView, target: string, patch: MergePatch, matmul: MatMul, signal: AbortSignal | undefined): Promise<void> {
  const tasks = [];
  for (const member of patch.members) {
    const tau = weightView(new Float32Array(w.data.length), [w.rows, w.cols]);
    for (const p of member.patches) {
      throwIfAborted(signal);
      if (p.dora) {
        throw new EngineError('dora-in-merge', `Module "${p.module}" is DoRA: a DoRA module is not a plain delta and cannot enter a ${patch.options.method} merge.`, {
          module: p.module,
          hint: 'Apply DoRA LoRAs one after the other (method sum), or merge LoRAs without DoRA.',
        });
      }
      const delta = await moduleDelta(p.source, matmul);
      checkDeltaFits(p.module, target, tau, delta, p.slice, p.transpose);
      addDelta(tau, delta, p.coefficient, p.slice, p.transpose);
    }
    tasks.push({ values: tau.data, weight: member.weight, index: member.index });
  }
  const merged = mergeTaskVectors(target, tasks, patch.options);
  addDelta(w, merged, 1, undefined, false);
}
