/**
 * Initial values of a fresh LoRA factor, seeded per (seed, module, factor) so a module's numbers do not depend
 * on which other modules are created or in which order.
 * - kaiming-uniform, a = √5 (torch nn.Linear's and PEFT's default for lora_A): U(−b, b), b = √(6/((1+a²)·fan_in))
 *   = 1/√fan_in, fan_in = the factor's input width (in·kh·kw for down, r for up).
 * - gaussian (PEFT init_lora_weights="gaussian"): N(0, σ²) with σ = 1/r.
 * Streams: xoshiro128** (merge-methods/random-stream.ts); normals by Box–Muller. torch's generator is not
 * reproduced, so values differ from PEFT's for the same seed; the distributions are the same.
 */
import { moduleStream, type RandomStream } from '../../merge-methods/random-stream.js';

export type InitDistribution = 'kaiming-uniform' | 'gaussian';

const TWO_32 = 4294967296;

/** Uniform on (0, 1), never 0 (log-safe for Box–Muller). */
function unit(r: RandomStream): number {
  return (r.nextUint32() + 0.5) / TWO_32;
}

export function kaimingUniformBound(fanIn: number, a = Math.sqrt(5)): number {
  return Math.sqrt(6 / ((1 + a * a) * fanIn));
}

/** `count` values of one factor, row-major as the factor is stored. */
export function initFactor(count: number, fanIn: number, rank: number, distribution: InitDistribution, seed: number, module: string, factor: 'down' | 'up'): Float32Array {
  const out = new Float32Array(count);
  const r = moduleStream(seed, module, factor === 'down' ? 0 : 1);
  if (distribution === 'kaiming-uniform') {
    const b = kaimingUniformBound(fanIn);
    for (let i = 0; i < count; i++) out[i] = (2 * unit(r) - 1) * b;
    return out;
  }
  const sigma = 1 / rank;
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(unit(r))) * sigma;
    const angle = 2 * Math.PI * unit(r);
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}
