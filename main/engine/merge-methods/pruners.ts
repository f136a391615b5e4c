import { float32Bits, magnitudeCut } from './magnitude-cut.js';
import { moduleStream, type RandomStream } from './random-stream.js';

/**
 * The value of element j of one task vector after pruning (PEFT's `prune`). Stateful: callers ask for
 * j = 0, 1, 2, … in order (the tie budget and the random stream advance with j), which is what lets the
 * kernels run in one pass without a mask buffer.
 */
export interface ElementPruner {
  at(j: number): number;
}

/** density ≥ 1: PEFT returns the tensor unchanged (no rescale either). */
class KeepAll implements ElementPruner {
  constructor(private readonly values: Float32Array) {}
  at(j: number): number {
    return this.values[j];
  }
}

class DropAll implements ElementPruner {
  at(): number {
    return 0;
  }
}

class MagnitudeTrim implements ElementPruner {
  private readonly bits: Int32Array;
  private tiesLeft: number;
  constructor(
    private readonly values: Float32Array,
    private readonly thresholdBits: number,
    tiesToKeep: number,
  ) {
    this.bits = float32Bits(values);
    this.tiesLeft = tiesToKeep;
  }
  at(j: number): number {
    const a = this.bits[j] & 0x7fffffff;
    if (a > this.thresholdBits) return this.values[j];
    if (a === this.thresholdBits && this.tiesLeft > 0) {
      this.tiesLeft--;
      return this.values[j];
    }
    return 0;
  }
}

/** DARE: keep each value with probability `density` and divide the kept ones by it (PEFT rescale=True). */
class RandomDrop implements ElementPruner {
  private readonly cut: number;
  constructor(
    private readonly values: Float32Array,
    private readonly density: number,
    private readonly stream: RandomStream,
  ) {
    this.cut = density * 4294967296;
  }
  at(j: number): number {
    // One draw per element whatever its value, so element j always uses draw j of the stream.
    const u = this.stream.nextUint32();
    return u < this.cut ? this.values[j] / this.density : 0;
  }
}

export function keepAll(values: Float32Array): ElementPruner {
  return new KeepAll(values);
}

/** PEFT `prune(τ, density, "magnitude")`: the top k = int(density·n) values by |τ|. */
export function magnitudePruner(values: Float32Array, density: number, module: string, input: number): ElementPruner {
  if (density >= 1) return new KeepAll(values);
  const k = Math.floor(density * values.length);
  if (k <= 0) return new DropAll();
  if (k >= values.length) return new KeepAll(values);
  const cut = magnitudeCut(values, k, module, input);
  return new MagnitudeTrim(values, cut.thresholdBits, cut.tiesToKeep);
}

/** PEFT `prune(τ, density, "random", rescale=True)`, with our own seeded stream per (seed, module, input). */
export function randomPruner(values: Float32Array, density: number, seed: number, module: string, input: number): ElementPruner {
  if (density >= 1) return new KeepAll(values);
  return new RandomDrop(values, density, moduleStream(seed, module, input));
}
