/**
 * Model templates: the tensors of a real architecture ({key, shape} with the real key names), parameterised
 * by size. Tests and demos write tiny versions; benchmarks and parameter-count checks use the real sizes.
 */
import type { DType } from '../../tensor-io/dtypes.js';

export interface TensorSpec {
  readonly key: string;
  readonly shape: readonly number[];
  /** Only for non-float buffers (CLIP's position_ids are I64); float tensors take whatever dtype the writer picks. */
  readonly dtype?: DType;
}

/** Collects tensor specs under a key prefix; `scope` shares the list with a longer prefix. */
export class SpecList {
  constructor(
    private readonly prefix = '',
    readonly specs: TensorSpec[] = [],
  ) {}

  scope(prefix: string): SpecList {
    return new SpecList(this.prefix + prefix, this.specs);
  }

  tensor(name: string, shape: readonly number[], dtype?: DType): this {
    this.specs.push(dtype ? { key: this.prefix + name, shape, dtype } : { key: this.prefix + name, shape });
    return this;
  }

  /** nn.Linear: weight [out, in], bias [out]. */
  linear(name: string, out: number, inp: number, bias = true): this {
    this.tensor(`${name}.weight`, [out, inp]);
    if (bias) this.tensor(`${name}.bias`, [out]);
    return this;
  }

  /** nn.Conv2d: weight [out, in, k, k], bias [out]. */
  conv(name: string, out: number, inp: number, kernel: number, bias = true): this {
    this.tensor(`${name}.weight`, [out, inp, kernel, kernel]);
    if (bias) this.tensor(`${name}.bias`, [out]);
    return this;
  }

  /** LayerNorm / GroupNorm: weight and bias [channels]. */
  norm(name: string, channels: number): this {
    return this.tensor(`${name}.weight`, [channels]).tensor(`${name}.bias`, [channels]);
  }
}

export function elementCountOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Number of float parameters (integer buffers such as position_ids are not parameters). */
export function parameterCount(specs: readonly TensorSpec[], keyPrefix = ''): number {
  let n = 0;
  for (const s of specs) if (s.dtype === undefined && s.key.startsWith(keyPrefix)) n += elementCountOf(s.shape);
  return n;
}

/** 'full' is the real model; 'tiny' keeps every key name and the block structure with small widths. */
export type TemplateSize = 'full' | 'tiny';
