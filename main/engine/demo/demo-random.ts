/** Deterministic values for demo tensors: one seeded stream per (seed, tensor name), independent of file order. */
import { moduleStream } from '../merge-methods/random-stream.js';

/** count values uniform in (−scale, scale). */
export function uniformValues(count: number, scale: number, seed: number, name: string): Float32Array {
  const r = moduleStream(seed, name, 0);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = ((r.nextUint32() + 0.5) / 4294967296 * 2 - 1) * scale;
  return out;
}
