/** Reads a one-element tensor (kohya's `.alpha`) of any numeric dtype as a number. */
import { elementCount, isFloatDType } from '../tensor-io/dtypes.js';
import type { TensorSource } from '../tensor-io/tensor-source.js';
import { AdapterError } from './errors.js';

export async function readScalar(source: TensorSource, key: string, module: string): Promise<number> {
  const entry = source.get(key);
  if (!entry) throw new AdapterError('missing-factor', { file: source.path, module, tensor: key }, `tensor "${key}" is not in the file.`);
  if (elementCount(entry.shape) !== 1) {
    throw new AdapterError('bad-alpha', { file: source.path, module, tensor: key, hint: 'alpha must be a single number (shape [] or [1]).' }, `alpha tensor "${key}" has shape [${entry.shape.join(', ')}], not a scalar.`);
  }
  if (isFloatDType(entry.dtype)) return (await source.readFloat32(key))[0]!;
  const bytes = await source.readBytes(key);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (entry.dtype) {
    case 'I64': return Number(dv.getBigInt64(0, true));
    case 'U64': return Number(dv.getBigUint64(0, true));
    case 'I32': return dv.getInt32(0, true);
    case 'U32': return dv.getUint32(0, true);
    case 'I16': return dv.getInt16(0, true);
    case 'U16': return dv.getUint16(0, true);
    case 'I8': return dv.getInt8(0);
    case 'U8': return dv.getUint8(0);
    default:
      throw new AdapterError('bad-alpha', { file: source.path, module, tensor: key }, `alpha tensor "${key}" is ${entry.dtype}, not a number.`);
  }
}
