/**
 * Parsing and validation of a safetensors header (8-byte little-endian length, then a JSON object).
 * Pure: takes the header bytes and the file size, returns entries or throws a TensorIOError that names
 * the file and, where it applies, the tensor.
 */
import { DTYPE_INFO, elementCount, isDType, type DType } from './dtypes.js';
import { MAX_JSON_DEPTH, scanJsonText } from '../../../shared/json/index.js';
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
    throw new TensorIOError('header-too-large', file, `header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte limit (corrupt file, or not safetensors).`, {
      hint: 'The first 8 bytes of a safetensors file give the JSON header length; these do not look like one.',
    });
  }
  const len = Number(n);
  if (8 + len > fileSize) {
    throw new TensorIOError('header-truncated', file, `header claims ${len} bytes but the file has only ${fileSize - 8} after the length (truncated download?).`, {
      hint: 'The file is incomplete: download or copy it again.',
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

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Validates a header the way the safetensors reference implementation does, except that gaps between
 * tensors are tolerated (some writers align tensors); overlaps and out-of-bounds spans are not.
 */
export function parseHeader(file: string, headerBytes: Uint8Array, fileSize: number): ParsedHeader {
  const dataStart = 8 + headerBytes.byteLength;
  let json: unknown;
  let text: string;
  try {
    text = utf8.decode(headerBytes);
    json = JSON.parse(text);
  } catch (err) {
    throw new TensorIOError('header-not-json', file, `header is not valid UTF-8 JSON (${err instanceof Error ? err.message : String(err)}).`, {
      hint: 'The file is corrupt or not a safetensors file.',
    });
  }
  if (!isRecord(json)) {
    throw new TensorIOError('header-not-object', file, `header JSON is ${Array.isArray(json) ? 'an array' : json === null ? 'null' : `a ${typeof json}`}, not an object.`);
  }
  // JSON.parse keeps the last of two equal keys: a second tensor of the same name would silently replace the
  // first (the reference reader refuses it). Deep nesting would overflow the stack of whatever walks it.
  const scan = scanJsonText(text, MAX_JSON_DEPTH);
  if (scan.depth > MAX_JSON_DEPTH) {
    throw new TensorIOError('header-too-deep', file, `header JSON nests more than ${MAX_JSON_DEPTH} levels deep (a safetensors header nests 3).`, { hint: 'The file is corrupt or not a safetensors file.' });
  }
  if (scan.duplicateKey !== undefined) {
    const top = scan.duplicateDepth === 1;
    throw new TensorIOError(top ? 'duplicate-tensor' : 'bad-entry', file, top
      ? `the header names tensor "${scan.duplicateKey}" twice.`
      : `the header repeats the key "${scan.duplicateKey}" inside one entry.`, {
      ...(top ? { tensor: scan.duplicateKey } : {}),
      hint: 'The file is corrupt or was written by a faulty tool: write it again.',
    });
  }

  const dataSize = fileSize - dataStart;
  const metadata: Record<string, string> = {};
  const entries: TensorEntry[] = [];
  for (const [name, raw] of Object.entries(json)) {
    if (name === '__metadata__') {
      if (raw === null) continue;
      if (!isRecord(raw)) throw new TensorIOError('bad-metadata', file, '__metadata__ is not an object of strings.');
      for (const [k, v] of Object.entries(raw)) {
        if (typeof v !== 'string') throw new TensorIOError('bad-metadata', file, `__metadata__[${JSON.stringify(k)}] is ${JSON.stringify(v)?.slice(0, 60) ?? typeof v}, not a string.`);
        // defineProperty: a key named "__proto__" must stay data, not replace the prototype.
        Object.defineProperty(metadata, k, { value: v, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    entries.push(parseEntry(file, name, raw, dataStart, dataSize));
  }
  entries.sort((a, b) => a.dataOffset - b.dataOffset || a.byteLength - b.byteLength);
  // Compare each tensor with the furthest end seen so far, not just its neighbour: a zero-length tensor
  // sitting inside a bigger one must not hide the overlap of the next.
  let furthest: TensorEntry | undefined;
  for (const cur of entries) {
    if (cur.byteLength === 0) continue;
    if (furthest && furthest.dataOffset + furthest.byteLength > cur.dataOffset) {
      throw new TensorIOError('overlap', file, `tensors "${furthest.name}" and "${cur.name}" overlap in the data section (bytes ${furthest.dataOffset - dataStart}–${furthest.dataOffset - dataStart + furthest.byteLength} and ${cur.dataOffset - dataStart}–${cur.dataOffset - dataStart + cur.byteLength}).`, { tensor: cur.name });
    }
    if (!furthest || cur.dataOffset + cur.byteLength > furthest.dataOffset + furthest.byteLength) furthest = cur;
  }
  return { entries, metadata, dataStart };
}

function parseEntry(file: string, name: string, raw: unknown, dataStart: number, dataSize: number): TensorEntry {
  const details = { tensor: name };
  if (!isRecord(raw)) throw new TensorIOError('bad-entry', file, `tensor "${name}": entry is not an object with dtype, shape and data_offsets.`, details);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string' || !isDType(dtype)) {
    throw new TensorIOError('bad-dtype', file, `tensor "${name}": unknown dtype ${JSON.stringify(dtype) ?? 'undefined'}.`, {
      ...details,
      hint: 'Known dtypes: F64 F32 F16 BF16 F8_E4M3 F8_E5M2 I64 I32 I16 I8 U64 U32 U16 U8 BOOL.',
    });
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInt)) {
    throw new TensorIOError('bad-shape', file, `tensor "${name}": shape ${JSON.stringify(shape)?.slice(0, 100) ?? 'undefined'} is not a list of non-negative integers.`, details);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInt) || offsets[0] > offsets[1]) {
    throw new TensorIOError('bad-offsets', file, `tensor "${name}": data_offsets ${JSON.stringify(offsets)?.slice(0, 100) ?? 'undefined'} is not [begin, end] with 0 <= begin <= end.`, details);
  }
  const [begin, end] = offsets as [number, number];
  const expected = elementCount(shape as number[]) * DTYPE_INFO[dtype].bytes;
  if (!Number.isSafeInteger(expected) || expected !== end - begin) {
    throw new TensorIOError('size-mismatch', file, `tensor "${name}": shape ${JSON.stringify(shape)} × ${dtype} needs ${expected} bytes but data_offsets span ${end - begin}.`, details);
  }
  if (end > dataSize) {
    throw new TensorIOError('out-of-bounds', file, `tensor "${name}": data ends at byte ${end} of a ${Math.max(0, dataSize)}-byte data section (truncated file?).`, {
      ...details,
      hint: 'The file is incomplete: download or copy it again.',
    });
  }
  return { name, dtype, shape: shape as number[], file, dataOffset: dataStart + begin, byteLength: end - begin };
}
