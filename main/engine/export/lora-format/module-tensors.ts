/**
 * One evaluated module → the tensors Save LoRA writes. The factors come with the multiplier that makes them
 * the module's delta (ΔW = scale·up·down); the file shows the module's own alpha/r (`displayScale`), so the
 * rest (scale/displayScale times the module's strength) is folded into `down`, in fp32, before the one
 * rounding to the output dtype. Factors of the planned rank are written as they are (a file module at
 * strength 1 comes out bit-identical at its dtype); fewer columns than planned are padded with zeros
 * (ΔW unchanged).
 */
import type { LowRankFactors } from '../../adapters/types.js';
import { EngineError } from '../../errors.js';
import type { DType } from '../../tensor-io/dtypes.js';
import { decodeFloat, encodeFloat } from '../../tensor-io/float-convert.js';
import type { CompressionStats } from '../../module-source/scaled-factors.js';
import type { PlannedFactorModule } from './output-modules.js';

export interface OutputTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

export interface EvaluatedModule {
  readonly factors: LowRankFactors;
  readonly scale: number;
  readonly compression?: CompressionStats;
}

export interface ModuleTensors {
  readonly tensors: readonly OutputTensor[];
  readonly rank: number;
  /** alpha as written (kohya tensor, PEFT lora_alpha): rank · displayScale. */
  readonly alpha: number;
  readonly compression?: CompressionStats;
}

export function factorShapes(p: PlannedFactorModule, rank: number): { down: number[]; up: number[] } {
  const conv = p.deltaShape.length === 4;
  return {
    down: [rank, ...p.deltaShape.slice(1)],
    up: conv ? [p.out, rank, 1, 1] : [p.out, rank],
  };
}

/** alpha's dtype: the output dtype when it holds alpha exactly (as kohya writes it), else F32 so the scale stays exact. */
export function alphaDtype(alpha: number, dtype: DType): DType {
  const back = decodeFloat(encodeFloat(Float32Array.of(alpha), dtype), dtype)[0];
  return back === Math.fround(alpha) ? dtype : 'F32';
}

export function moduleTensors(p: PlannedFactorModule, evaluated: EvaluatedModule, dtype: DType): ModuleTensors {
  const f = evaluated.factors;
  const where = `module "${p.module.name}"`;
  if (f.out !== p.out || f.inFlat !== p.inFlat) {
    throw new EngineError('lora-factor-shape', `${where}: its factors are ${f.out}×${f.rank} · ${f.rank}×${f.inFlat}, its delta shape is ${JSON.stringify(p.deltaShape)}.`, {
      module: p.module.name,
      hint: 'The source and the module value disagree; report this.',
    });
  }
  const rank = p.rank ?? f.rank;
  if (f.rank > rank) {
    throw new EngineError('lora-factor-rank', `${where}: computed rank ${f.rank} is above the planned rank ${rank}.`, { module: p.module.name, hint: 'Report this.' });
  }
  const { display, fold } = scales(p, evaluated.scale);
  const up = padColumns(f.up, f.out, f.rank, rank);
  const down = padRows(f.down, f.rank, f.inFlat, rank);
  if (fold !== 1) for (let i = 0; i < down.length; i++) down[i]! *= fold;
  const shapes = factorShapes(p, rank);
  const alpha = rank * display;
  const tensors: OutputTensor[] = [
    { name: p.names.down, dtype, shape: shapes.down, bytes: encodeFloat(down, dtype) },
    { name: p.names.up, dtype, shape: shapes.up, bytes: encodeFloat(up, dtype) },
  ];
  if (p.names.alpha !== undefined) {
    const ad = alphaDtype(alpha, dtype);
    tensors.push({ name: p.names.alpha, dtype: ad, shape: [], bytes: encodeFloat(Float32Array.of(alpha), ad) });
  }
  return { tensors, rank, alpha, ...(evaluated.compression ? { compression: evaluated.compression } : {}) };
}

/**
 * The scale the file shows and the factor folded into down. A module whose own scale is 0 (alpha 0) keeps
 * alpha 0 and its factors: its delta is 0 whatever they hold, as its source's is.
 */
function scales(p: PlannedFactorModule, evaluatedScale: number): { display: number; fold: number } {
  const total = evaluatedScale * p.module.strength;
  const display = p.displayScale;
  if (display !== 0) return { display, fold: total / display };
  if (total === 0) return { display: 0, fold: 1 };
  throw new EngineError('lora-scale', `module "${p.module.name}": its value says scale 0 but its factors evaluate with scale ${evaluatedScale}.`, { module: p.module.name, hint: 'Report this.' });
}

function padColumns(up: Float32Array, rows: number, have: number, want: number): Float32Array {
  if (have === want) return up;
  const out = new Float32Array(rows * want);
  for (let i = 0; i < rows; i++) out.set(up.subarray(i * have, (i + 1) * have), i * want);
  return out;
}

function padRows(down: Float32Array, have: number, cols: number, want: number): Float32Array {
  if (have === want) return down;
  const out = new Float32Array(want * cols);
  out.set(down.subarray(0, have * cols));
  return out;
}
