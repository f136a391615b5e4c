/**
 * Reads a one-element tensor (kohya's `.alpha`) of any numeric dtype as a number: synchronously, a few bytes
 * (a kohya LoRA has one alpha per module; one round trip through the thread pool each made most of the time
 * Load LoRA spent on them).
 */
import { elementCount, isFloatDType } from '../tensor-io/dtypes.js';
import { decodeFloat } from '../tensor-io/float-convert.js';
import { readTensorBytesSync } from '../tensor-io/positional-read.js';
import type { TensorSource } from '../tensor-io/tensor-source.js';
import { AdapterError } from './errors.js';

export function readScalar(source: TensorSource, key: string, module: string): number {
  const entry = source.get(key);
  if (!entry) throw new AdapterError('missing-factor', { file: source.path, module, tensor: key }, `tensor "${key}" is not in the file.`);
  if (elementCount(entry.shape) !== 1) {
    throw new AdapterError('bad-alpha', { file: source.path, module, tensor: key, hint: 'alpha must be a single number (shape [] or [1]).' }, `alpha tensor "${key}" has shape [${entry.shape.join(', ')}], not a scalar.`);
  }
  const bytes = readTensorBytesSync(entry);
  if (isFloatDType(entry.dtype)) return decodeFloat(bytes, entry.dtype)[0]!;
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
