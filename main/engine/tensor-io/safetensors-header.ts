/**
 * Parsing and validation of a safetensors header (8-byte little-endian length, then a JSON object).
 * Pure: takes the header bytes and the file size, returns entries or throws a TensorIOError that names
 * the file and, where it applies, the tensor.
 */
import { DTYPE_INFO, elementCount, isDType, type DType } from './dtypes.js';
import { TensorIOError } from './errors.js';

/** The safetensors reference implementation refuses headers above 100 MB; so do we. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** The file that holds the data (a shard for sharded checkpoints). */
  readonly file: string;
  /** Absolute byte offset of the data in `file`. */
  readonly dataOffset: number;
  readonly byteLength: number;
}

export interface ParsedHeader {
  /** Entries in data order (ascending offset). */
  readonly entries: TensorEntry[];
  readonly metadata: Record<string, string>;
  /** 8 + header length: where the data section starts. */
  readonly dataStart: number;
}

export function readHeaderLength(file: string, prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    throw new TensorIOError('too-small', file, `not a safetensors file: ${fileSize} bytes is shorter than the 8-byte header length.`);
  }
  const dv = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = dv.getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new TensorIOError('header-too-large', file, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt file, or not safetensors).`);
  }
  const len = Number(n);
  if (8 + len > fileSize) {
    throw new TensorIOError('header-truncated', file, `header claims ${len} bytes but the file has only ${fileSize - 8} after the length (truncated download?).`, {
      hint: 'Download the file again.',
    });
  }
  return len;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function parseHeader(file: string, headerBytes: Uint8Array, fileSize: number): ParsedHeader {
  const dataStart = 8 + headerBytes.byteLength;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (err) {
    throw new TensorIOError('header-not-json', file, `header is not valid UTF-8 JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!isRecord(json)) throw new TensorIOError('header-not-object', file, 'header JSON is not an object.');

  const dataSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, raw] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (!isRecord(raw)) throw new TensorIOError('bad-metadata', file, '__metadata__ is not an object of strings.');
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string') throw new TensorIOError('bad-metadata', file, `__metadata__["${k}"] is not a string.`);
        metadata[k] = v;
      }
      continue;
    }
    const details = { tensor: name };
    if (!isRecord(raw)) throw new TensorIOError('bad-entry', file, `tensor "${name}": entry is not an object.`, details);
    const { dtype, shape, data_offsets: offsets } = raw;
    if (typeof dtype !== 'string' || !isDType(dtype)) {
      throw new TensorIOError('bad-dtype', file, `tensor "${name}": unknown dtype ${JSON.stringify(dtype)}.`, details);
    }
    if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) {
      throw new TensorIOError('bad-shape', file, `tensor "${name}": shape ${JSON.stringify(shape)} is not a list of non-negative integers.`, details);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt) || offsets[0] > offsets[1]) {
      throw new TensorIOError('bad-offsets', file, `tensor "${name}": data_offsets ${JSON.stringify(offsets)} is not [begin, end] with begin <= end.`, details);
    }
    const [begin, end] = offsets as [number, number];
    const numel = elementCount(shape as number[]);
    const expected = numel * DTYPE_INFO[dtype].bytes;
    if (!Number.isSafeInteger(expected) || expected !== end - begin) {
      throw new TensorIOError('size-mismatch', file, `tensor "${name}": shape ${JSON.stringify(shape)} × ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}.`, details);
    }
    if (end > dataSize) {
      throw new TensorIOError('out-of-bounds', file, `tensor "${name}": data ends at byte ${end} of a ${dataSize}-byte data section (truncated file?).`, {
        ...details,
        hint: 'Download the file again.',
      });
    }
    entries.push({ name, dtype, shape: shape as number[], file, dataOffset: dataStart + begin, byteLength: end - begin });
  }
  entries.sort((a, b) => a.dataOffset - b.dataOffset || a.byteLength - b.byteLength);
  for (let i = 1; i < entries.length; i++) {
    const prev = entries[i - 1]!;
    const cur = entries[i]!;
    if (cur.byteLength > 0 && prev.dataOffset + prev.byteLength > cur.dataOffset) {
      throw new TensorIOError('overlap', file, `tensors "${prev.name}" and "${cur.name}" overlap in the data section.`, { tensor: cur.name });
    }
  }
  return { entries, metadata, dataStart };
}
