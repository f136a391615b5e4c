/** Shape look-ups for the tensors of one module candidate, with the checks every kind shares. */
import { elementCount, isFloatDType } from '../tensor-io/dtypes.js';
import type { TensorSource } from '../tensor-io/tensor-source.js';
import { AdapterError } from './errors.js';
import type { ModuleGroup } from './group-keys.js';
import type { ParamRole } from './key-parser.js';
import type { ModuleParams } from './types.js';

export class ModuleTensors {
  constructor(
    readonly source: TensorSource,
    readonly group: ModuleGroup,
  ) {}

  get file(): string {
    return this.source.path;
  }

  get name(): string {
    return this.group.name;
  }

  has(role: ParamRole): boolean {
    return this.group.roles.has(role);
  }

  key(role: ParamRole): string {
    const k = this.group.roles.get(role);
    if (k === undefined) throw this.error('missing-factor', `has no ${role} tensor.`);
    return k;
  }

  /** Shape of a float parameter tensor. */
  shape(role: ParamRole): readonly number[] {
    const key = this.key(role);
    const entry = this.source.get(key);
    if (!entry) throw this.error('missing-factor', `tensor "${key}" is not in the file.`, key);
    if (!isFloatDType(entry.dtype)) throw this.error('bad-dtype', `tensor "${key}" is ${entry.dtype}; LoRA parameters are float tensors.`, key);
    return entry.shape;
  }

  /** Shape checked to have at least `minDims` dimensions. */
  shapeAtLeast(role: ParamRole, minDims: number): readonly number[] {
    const s = this.shape(role);
    if (s.length < minDims) throw this.error('shape-mismatch', `${role} tensor "${this.key(role)}" has shape ${fmt(s)}; expected at least ${minDims} dimensions.`, this.key(role));
    return s;
  }

  error(code: ConstructorParameters<typeof AdapterError>[0], message: string, tensor?: string, hint?: string): AdapterError {
    return new AdapterError(code, { file: this.file, module: this.name, ...(tensor !== undefined ? { tensor } : {}), ...(hint !== undefined ? { hint } : {}) }, message);
  }
}

/** What a kind's builder finds from shapes alone. */
export interface ModuleStructure {
  params: ModuleParams;
  deltaShape: number[];
  /** r in alpha/r (lora: rows of down; LoHa: rows of w1b; LoKr: ComfyUI's dim); undefined where alpha does not apply. */
  rankForScale: number | undefined;
  embedding: boolean;
}

export function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function trailingOnes(shape: readonly number[], from: number): boolean {
  return shape.slice(from).every((d) => d === 1);
}

export function flatSize(shape: readonly number[], from: number): number {
  return elementCount(shape.slice(from));
}
