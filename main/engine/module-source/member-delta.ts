/** Dense deltas of combined modules' members: c_i·ΔW_i placed at the member's rows of an out×inFlat matrix. */
import type { MatMul } from '../compute/matmul.js';
import { EngineError, throwIfAborted } from '../errors.js';
import type { CombineMember, ModuleSource } from '../values/lora-value.js';
import { cachedModule } from '../adapters/adapter-cache.js';
import { memberRows } from './member-rows.js';
import type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';

/** Adds coefficient·ΔW of `member` into `target` (out×inFlat, row-major); returns target. */
export async function addMemberDelta(target: Float32Array, member: CombineMember, out: number, inFlat: number, matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<Float32Array> {
  throwIfAborted(opts.signal);
  await refuseLossyFileModule(member.source);
  const delta = await evaluate.delta(member.source, matmul);
  const memberOut = delta.length / inFlat;
  if (!Number.isInteger(memberOut)) {
    throw new EngineError('combine-shape-mismatch', `${opts.module ?? 'A combined module'}: an input's delta has ${delta.length} values, not a multiple of ${inFlat} input features.`, {
      module: opts.module,
      hint: 'The inputs were trained for different base models (or different sizes of the same one).',
    });
  }
  const rows = memberRows(member, memberOut, out, opts.module);
  const c = member.coefficient;
  const base = rows.start * inFlat;
  for (let j = 0; j < delta.length; j++) target[base + j]! += c * delta[j]!;
  return target;
}

/** The dense Σ_i c_i·ΔW_i of all members. */
export async function denseSum(members: readonly CombineMember[], out: number, inFlat: number, matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<Float32Array> {
  const sum = new Float32Array(out * inFlat);
  for (const m of members) await addMemberDelta(sum, m, out, inFlat, matmul, opts, evaluate);
  return sum;
}

/** A module whose delta is not all of its effect (DoRA; a full patch with a bias diff) must not be combined silently. */
async function refuseLossyFileModule(source: ModuleSource): Promise<void> {
  if (source.type !== 'file') return;
  const { module } = await cachedModule(source.path, source.module);
  if (module.dora) {
    throw new EngineError('dora-not-linear', `${source.path}: module "${source.module}" is DoRA; its effect depends on the base weight, so it cannot enter a linear combination.`, {
      file: source.path,
      module: source.module,
      hint: 'Bake DoRA LoRAs into the model (lora-studio merge) instead of combining them.',
    });
  }
  if (module.params.kind === 'full' && module.params.diffBias !== undefined) {
    throw new EngineError('combine-bias-diff', `${source.path}: module "${source.module}" also patches the bias (.diff_b), which a LoRA cannot carry.`, {
      file: source.path,
      module: source.module,
      hint: 'Bake it into the model (lora-studio merge) instead of combining it into a LoRA.',
    });
  }
}
