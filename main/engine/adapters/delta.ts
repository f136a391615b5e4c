/**
 * computeModuleDelta: the dense scale·ΔW of a module in module orientation, flattened [out, in·kh·kw]
 * (fp32). DoRA is not applied here (it needs the base weight: see applyDoRA); 'replace' modules have no delta.
 */
import type { MatMul } from '../compute/matmul.js';
import { elementCount } from '../tensor-io/dtypes.js';
import { AdapterError } from './errors.js';
import { readLoraFactors, shapeOf } from './factors.js';
import { hadamardInPlace, kron, scaleInPlace, tuckerFold } from './tensor-math.js';
import type { AdapterModule, LoadedAdapter, ModuleParams } from './types.js';

export async function computeModuleDelta(adapter: LoadedAdapter, module: AdapterModule, matmul: MatMul): Promise<Float32Array> {
  const p = module.params;
  switch (p.kind) {
    case 'lora': {
      const f = await readLoraFactors(adapter, module, matmul);
      return scaleInPlace(await matmul.matmul(f.up, f.down, f.out, f.rank, f.inFlat), module.scale);
    }
    case 'loha':
      return scaleInPlace(await lohaProduct(adapter, module, p, matmul), module.scale);
    case 'lokr':
      return scaleInPlace(await lokrProduct(adapter, module, p, matmul), module.scale);
    case 'full': {
      if (p.diff === undefined) {
        throw new AdapterError('not-a-delta', { file: adapter.source.path, module: module.name, hint: 'Its only patch is the bias delta (diff_b): read it with readBiasDelta.' }, 'has no weight delta (.diff).');
      }
      return scaleInPlace(await adapter.source.readFloat32(p.diff), module.scale);
    }
    case 'replace':
      throw new AdapterError('not-a-delta', { file: adapter.source.path, module: module.name, hint: 'modules_to_save tensors replace the base tensors; they are not added to them.' }, 'is a replace module (PEFT modules_to_save), not a delta.');
  }
}

/** The bias delta of a full module (`.diff_b`), scaled; undefined when there is none. */
export async function readBiasDelta(adapter: LoadedAdapter, module: AdapterModule): Promise<Float32Array | undefined> {
  if (module.params.kind !== 'full' || module.params.diffBias === undefined) return undefined;
  return scaleInPlace(await adapter.source.readFloat32(module.params.diffBias), module.scale);
}

type Params<K extends ModuleParams['kind']> = Extract<ModuleParams, { kind: K }>;

/** One low-rank half: a [m, r]·b [r, n], or with a Tucker core a [r, m] (p-mode) · fold(core, b). Returns [m, n·K]. */
async function lowRankHalf(adapter: LoadedAdapter, module: AdapterModule, aKey: string, bKey: string, coreKey: string | undefined, matmul: MatMul): Promise<{ data: Float32Array; rows: number; cols: number }> {
  const aShape = shapeOf(adapter, module, aKey);
  const bShape = shapeOf(adapter, module, bKey);
  const a = await adapter.source.readFloat32(aKey);
  const b = await adapter.source.readFloat32(bKey);
  const r = bShape[0]!;
  const n = elementCount(bShape) / r;
  if (coreKey === undefined) return { data: await matmul.matmul(a, b, aShape[0]!, r, n), rows: aShape[0]!, cols: n };
  const coreShape = shapeOf(adapter, module, coreKey);
  const core = await adapter.source.readFloat32(coreKey);
  const k = elementCount(coreShape) / (coreShape[0]! * coreShape[1]!);
  const folded = await tuckerFold(matmul, core, coreShape[0]!, coreShape[1]!, k, b, n);
  const rows = aShape[1]!;
  return { data: await matmul.matmul(a, folded, rows, coreShape[0]!, n * k, { transposeA: true }), rows, cols: n * k };
}

async function lohaProduct(adapter: LoadedAdapter, module: AdapterModule, p: Params<'loha'>, matmul: MatMul): Promise<Float32Array> {
  const m1 = await lowRankHalf(adapter, module, p.w1a, p.w1b, p.t1, matmul);
  const m2 = await lowRankHalf(adapter, module, p.w2a, p.w2b, p.t2, matmul);
  return hadamardInPlace(m1.data, m2.data);
}

async function lokrProduct(adapter: LoadedAdapter, module: AdapterModule, p: Params<'lokr'>, matmul: MatMul): Promise<Float32Array> {
  const w1 = p.w1 !== undefined ? await fullMatrix(adapter, module, p.w1) : await lowRankHalf(adapter, module, p.w1a!, p.w1b!, undefined, matmul);
  const w2 = p.w2 !== undefined ? await fullMatrix(adapter, module, p.w2) : await lowRankHalf(adapter, module, p.w2a!, p.w2b!, p.t2, matmul);
  return kron(w1.data, w1.rows, w1.cols, w2.data, w2.rows, w2.cols);
}

async function fullMatrix(adapter: LoadedAdapter, module: AdapterModule, key: string): Promise<{ data: Float32Array; rows: number; cols: number }> {
  const shape = shapeOf(adapter, module, key);
  return { data: await adapter.source.readFloat32(key), rows: shape[0]!, cols: elementCount(shape) / shape[0]! };
}
