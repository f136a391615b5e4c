/**
 * Worker task 'probe.layer': the layer's current weight (the model's base tensor with the patches of its steps
 * so far), its region the LoRA module covers (slice / transpose), the module's factors, then probeLayer.
 */
import { defineTask } from '../../compute/task.js';
import { EngineError } from '../../errors.js';
import { decodeFloat } from '../../tensor-io/float-convert.js';
import type { ModuleSource } from '../../values/lora-value.js';
import { readRegion, weightView, type WeightView } from '../apply/add-delta.js';
import { bakeTensor } from '../apply/bake-tensor.js';
import { moduleDelta } from '../../module-source/evaluate.js';
import type { RowSlice, TensorJob } from '../apply/patch-spec.js';
import { moduleFactors } from '../../module-source/evaluate.js';
import { probeLayer, type ProbeResult } from './probe-layer.js';

export interface ProbePayload {
  readonly module: string;
  /** The weight as the model has it (outDtype F32). */
  readonly weightJob: TensorJob;
  readonly slice?: RowSlice;
  readonly transpose: boolean;
  readonly source: ModuleSource;
  readonly kind: string;
  /** Strength on top of the source's scale (the module's strength × the probe's). */
  readonly strength: number;
  readonly batch: number;
  readonly seed: number;
}

export interface ProbeTaskResult extends ProbeResult {
  readonly out: number;
  readonly inFlat: number;
  readonly usedFactors: boolean;
}

export const probeLayerTask = defineTask<ProbePayload, ProbeTaskResult>(async (p, ctx) => {
  const bytes = await bakeTensor({ ...p.weightJob, outDtype: 'F32' }, ctx.matmul, ctx.signal);
  const entry = p.weightJob.entry;
  const w: WeightView = weightView(decodeFloat(bytes, 'F32'), entry.shape);
  const region = readRegion(w, p.slice, p.transpose);
  const out = p.transpose ? w.cols : p.slice ? p.slice.length : w.rows;
  const inFlat = region.length / out;
  const factorSource = p.source.type === 'factors' || (p.source.type === 'file' ? p.kind === 'lora' : p.source.type !== 'dense');
  if (factorSource) {
    const { factors: f, scale } = await moduleFactors(p.source, ctx.matmul, { signal: ctx.signal, module: p.module });
    if (f.out !== out || f.inFlat !== inFlat) {
      throw new EngineError('probe-shape', `Probe: module ${p.module} is ${f.out}×${f.inFlat} but its layer ${entry.name} is ${out}×${inFlat} there.`, { module: p.module, tensor: entry.name });
    }
    const r = probeLayer({ weight: region, out, inFlat, factors: { up: f.up, down: f.down, rank: f.rank, scale }, strength: p.strength, batch: p.batch, seed: p.seed });
    return { result: { ...r, out, inFlat, usedFactors: true } };
  }
  const delta = await moduleDelta(p.source, ctx.matmul);
  if (delta.length !== out * inFlat) throw new EngineError('probe-shape', `Probe: module ${p.module}'s ΔW has ${delta.length} values but its layer ${entry.name} needs ${out}×${inFlat}.`, { module: p.module, tensor: entry.name });
  const r = probeLayer({ weight: region, out, inFlat, delta, strength: p.strength, batch: p.batch, seed: p.seed });
  return { result: { ...r, out, inFlat, usedFactors: false } };
});
