/**
 * readLoraFactors: the up/down pair of a 'lora' module in module orientation, scale NOT applied
 * (ΔW = scale · up · down). Conv downs are flattened to [r, in·kh·kw]; a Tucker mid is folded into down so
 * that up · down equals the Tucker product exactly; embeddings give up = B [dim, r], down = A [r, vocab].
 */
import { referenceMatMul, type MatMul } from '../compute/matmul.js';
import { elementCount } from '../tensor-io/dtypes.js';
import { AdapterError } from './errors.js';
import { tuckerFold } from './tensor-math.js';
import type { AdapterModule, LoadedAdapter, LowRankFactors } from './types.js';

export async function readLoraFactors(adapter: LoadedAdapter, module: AdapterModule, matmul: MatMul = referenceMatMul): Promise<LowRankFactors> {
  const p = module.params;
  if (p.kind !== 'lora') {
    throw new AdapterError('unsupported', { file: adapter.source.path, module: module.name }, `is a ${p.kind} module; only LoRA modules have up/down factors.`);
  }
  const downShape = shapeOf(adapter, module, p.down);
  const upShape = shapeOf(adapter, module, p.up);
  const out = upShape[0]!;
  const up = await adapter.source.readFloat32(p.up);
  const down = await adapter.source.readFloat32(p.down);
  if (p.mid === undefined) {
    const rank = downShape[0]!;
    return { up, down, rank, out, inFlat: elementCount(downShape) / rank };
  }
  const midShape = shapeOf(adapter, module, p.mid);
  const mid = await adapter.source.readFloat32(p.mid);
  const [rUp, rDown] = [midShape[0]!, midShape[1]!];
  const kernel = elementCount(midShape) / (rUp * rDown);
  const inCh = elementCount(downShape) / rDown;
  const folded = await tuckerFold(matmul, mid, rUp, rDown, kernel, down, inCh);
  return { up, down: folded, rank: rUp, out, inFlat: inCh * kernel };
}

export function shapeOf(adapter: LoadedAdapter, module: AdapterModule, key: string): readonly number[] {
  const e = adapter.source.get(key);
  if (!e) throw new AdapterError('missing-factor', { file: adapter.source.path, module: module.name, tensor: key }, `tensor "${key}" is not in the file.`);
  return e.shape;
}
