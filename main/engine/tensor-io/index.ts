/**
 * Tensor I/O: the public API other areas use (import from here, not from the files behind it).
 *
 * Reading
 * - openCheckpoint(path) → TensorSource: a .safetensors file, a sharded *.safetensors.index.json, or a
 *   directory holding one; pickles are refused ('pickle-format') with the conversion command.
 * - SafetensorsFile.open(path), ShardedCheckpoint.open(indexPath): the two TensorSource implementations.
 * - readTensorBytesSync(entry, into?) / readTensorBytes(entry, into?): one tensor by its TensorEntry
 *   (file + absolute offset), for worker threads and buffer reuse.
 * - decodeFloat / encodeFloat / castTensorBytes: dtype conversion, one round-to-nearest-even on output.
 *
 * Writing
 * - createSafetensorsWriter(out, plan, metadata, {inputs, reserve, hashData, signal}): streaming,
 *   temp file + fsync + rename, refuses out == input; createShardedWriter(…, {maxShardSize}) for HF shards;
 *   placement(name) + skip(name) for tensors other threads write in place (withPositionalWriter).
 * - parseByteSize("5GB"), buildOutputMetadata({inherited, modelspec, recipe}).
 *
 * Hashes
 * - getFileHashes(path) (cached) / computeFileHashes(path): sha256, AutoV2, kohya sshs_model_hash and
 *   sshs_legacy_hash; SafetensorsWriter.dataSha256() is the output's own sshs_model_hash.
 *
 * Errors: TensorIOError (code, file, tensor, hint); cancellation: CancelledError from ../errors.js.
 */
export { TensorIOError, type TensorIOErrorCode } from './errors.js';
export {
  DTYPE_INFO,
  WRITABLE_FLOAT_DTYPES,
  dtypeBytes,
  elementCount,
  isDType,
  isFloatDType,
  isWritableFloatDType,
  resolveOutputDType,
  tensorByteLength,
  writableDTypeFromName,
  type DType,
  type WritableFloatDType,
} from './dtypes.js';
export {
  F8_E4M3_MAX,
  F8_E5M2_MAX,
  castTensorBytes,
  decodeFloat,
  encodeFloat,
  float32ToBFloat16Bits,
  float32ToFloat16Bits,
  type EncodeOptions,
  type Fp8Overflow,
} from './float-convert.js';
export { MAX_HEADER_BYTES, parseHeader, readHeaderLength, type ParsedHeader, type TensorEntry } from './safetensors-header.js';
export type { TensorSource } from './tensor-source.js';
export { SafetensorsFile } from './safetensors-file.js';
export { ShardedCheckpoint, parseShardIndex, readShardIndex, type ShardIndex } from './sharded-checkpoint.js';
export { openCheckpoint } from './open-checkpoint.js';
export { describeFileKind, sniffFileKind, type FileKind } from './file-kind.js';
export { readTensorBytes, readTensorBytesSync, withTensorReaderSync } from './positional-read.js';
export { createWriteLock, withPositionalWriter } from './positional-write.js';
export type { PlannedTensor } from './header-builder.js';
export type { TensorPlacement, TensorWriter } from './tensor-writer.js';
export { SafetensorsWriter, createSafetensorsWriter, type WriterOptions } from './safetensors-writer.js';
export { assignShards, createShardedWriter, indexFileName, shardFileName, type ShardedWriterOptions } from './sharded-writer.js';
export { assertOutputNotInput } from './output-guard.js';
export { liveTempFiles } from './temp-files.js';
export { formatByteSize, parseByteSize } from './byte-size.js';
export { autoV2, computeFileHashes, sha256File, sshsLegacyHash, sshsModelHash, type FileHashes, type HashOptions } from './hashes.js';
export { HashCache, defaultHashCacheDir, getFileHashes } from './hash-cache.js';
export {
  FILE_SPECIFIC_KEYS,
  MODELSPEC_ARCHITECTURES,
  MODELSPEC_IMPLEMENTATIONS,
  RECIPE_KEY,
  buildOutputMetadata,
  modelspecArchitecture,
  type ModelSpecInput,
  type OutputMetadataInput,
} from './metadata.js';
