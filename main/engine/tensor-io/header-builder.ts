/**
 * Builds the safetensors header for a write plan: `__metadata__` first, then the tensors in plan order with
 * contiguous data offsets, padded with spaces so the data starts on an 8-byte boundary (as the reference
 * implementation does). Reserved metadata slots are fixed-width holes in the JSON that are filled later
 * (a hash known only after streaming) without moving anything: the slot holds the JSON string and then
 * spaces, which JSON ignores, so an unfilled slot is still a valid header (value "").
 */
import { DTYPE_INFO, isDType, type DType } from './dtypes.js';
import { TensorIOError } from './errors.js';
import { MAX_HEADER_BYTES } from './safetensors-header.js';

export interface PlannedTensor {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
}

export interface PlacedTensor extends PlannedTensor {
  /** Offset of the data relative to the start of the data section (as in data_offsets). */
  readonly begin: number;
  readonly byteLength: number;
}

export interface ReservedSlot {
  /** Byte offset in the file of the slot (the opening quote of the value). */
  readonly fileOffset: number;
  /** Bytes available for the JSON-encoded value, quotes included. */
  readonly size: number;
}

export interface BuiltHeader {
  /** The whole prefix of the file: 8-byte length, then the padded JSON. */
  readonly bytes: Uint8Array;
  readonly dataStart: number;
  readonly tensors: readonly PlacedTensor[];
  readonly dataSize: number;
  readonly slots: ReadonlyMap<string, ReservedSlot>;
}

const encoder = new TextEncoder();

/** Checks a plan: known dtypes, integer shapes, unique names, sizes that fit. Returns the byte length of each. */
export function validatePlan(file: string, plan: readonly PlannedTensor[]): number[] {
  const seen = new Set<string>();
  return plan.map((t) => {
    const details = { tensor: t.name };
    if (typeof t.name !== 'string' || t.name === '__metadata__') throw new TensorIOError('bad-plan', file, `"${String(t.name)}" cannot be a tensor name.`, details);
    if (seen.has(t.name)) throw new TensorIOError('bad-plan', file, `tensor "${t.name}" is planned twice.`, details);
    seen.add(t.name);
    if (!isDType(t.dtype)) throw new TensorIOError('bad-plan', file, `tensor "${t.name}": unknown dtype ${JSON.stringify(t.dtype)}.`, details);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new TensorIOError('bad-plan', file, `tensor "${t.name}": shape ${JSON.stringify(t.shape)} is not a list of non-negative integers.`, details);
    }
    let n = DTYPE_INFO[t.dtype].bytes;
    for (const d of t.shape) n *= d;
    if (!Number.isSafeInteger(n)) throw new TensorIOError('bad-plan', file, `tensor "${t.name}": shape ${JSON.stringify(t.shape)} is too large.`, details);
    return n;
  });
}

/**
 * Lays out the header. `reserved` maps metadata keys to the width (bytes of the encoded value, without
 * quotes) their slot must hold; those keys must not also be in `metadata`.
 */
export function buildHeader(file: string, plan: readonly PlannedTensor[], metadata: Readonly<Record<string, string>>, reserved: ReadonlyMap<string, number>): BuiltHeader {
  const sizes = validatePlan(file, plan);
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TensorIOError('bad-metadata', file, `metadata "${k}" is ${typeof v}; safetensors metadata values must be strings.`);
    if (reserved.has(k)) throw new TensorIOError('reserved-metadata', file, `metadata "${k}" is both given and reserved.`);
  }
  const parts: string[] = ['{'];
  let length = 1;
  const push = (s: string) => {
    parts.push(s);
    length += encoder.encode(s).byteLength;
  };
  const slotsAt = new Map<string, ReservedSlot>();
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length > 0 || reserved.size > 0) {
    push('"__metadata__":{');
    let first = true;
    for (const k of metaKeys) {
      push(`${first ? '' : ','}${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`);
      first = false;
    }
    for (const [k, width] of reserved) {
      // Up to the whole header limit: a recipe of a 10,000-node graph needs over a megabyte; the total is checked below.
      if (!Number.isSafeInteger(width) || width < 0 || width > MAX_HEADER_BYTES) throw new TensorIOError('reserved-metadata', file, `reserved metadata "${k}": width ${width} is not between 0 and ${MAX_HEADER_BYTES}.`);
      push(`${first ? '' : ','}${JSON.stringify(k)}:`);
      first = false;
      slotsAt.set(k, { fileOffset: 8 + length, size: width + 2 });
      push(`""${' '.repeat(width)}`);
    }
    push('}');
  }
  let needComma = parts.length > 1;
  const tensors: PlacedTensor[] = [];
  let offset = 0;
  plan.forEach((t, i) => {
    const byteLength = sizes[i]!;
    push(`${needComma ? ',' : ''}${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":${JSON.stringify(t.shape)},"data_offsets":[${offset},${offset + byteLength}]}`);
    needComma = true;
    tensors.push({ name: t.name, dtype: t.dtype, shape: [...t.shape], begin: offset, byteLength });
    offset += byteLength;
  });
  push('}');
  const pad = (8 - ((8 + length) % 8)) % 8;
  if (length + pad > MAX_HEADER_BYTES) {
    throw new TensorIOError('metadata-too-large', file, `the header would be ${length + pad} bytes, above the ${MAX_HEADER_BYTES}-byte limit readers enforce.`, {
      hint: 'Drop large metadata values (embedded previews, long recipes).',
    });
  }
  const json = encoder.encode(parts.join('') + ' '.repeat(pad));
  const bytes = new Uint8Array(8 + json.byteLength);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  bytes.set(json, 8);
  return { bytes, dataStart: bytes.byteLength, tensors, dataSize: offset, slots: slotsAt };
}

/** The bytes that fill a slot: the JSON string, then spaces up to the slot's size. */
export function slotBytes(file: string, key: string, slot: ReservedSlot, value: string): Uint8Array {
  const encoded = encoder.encode(JSON.stringify(value));
  if (encoded.byteLength > slot.size) {
    throw new TensorIOError('reserved-metadata', file, `metadata "${key}": value needs ${encoded.byteLength - 2} bytes, the reserved slot holds ${slot.size - 2}.`);
  }
  const out = new Uint8Array(slot.size).fill(0x20);
  out.set(encoded);
  return out;
}
