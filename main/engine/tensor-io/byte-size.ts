/** Byte sizes for the engine: the shared parser (shared/nodes/byte-size.ts) with an EngineError, and formatting. */
import { BYTE_SIZE_HINT, parseByteSize as readByteSize } from '../../../shared/nodes/byte-size.js';
import { EngineError } from '../errors.js';

/** Parses a byte size (0: no limit); throws EngineError 'bad-size' with a hint for anything else. */
export function parseByteSize(text: string): number {
  const r = readByteSize(text);
  if (!r.ok) throw new EngineError('bad-size', `${r.message}.`, { hint: BYTE_SIZE_HINT });
  return r.bytes;
}

/** 5000000000 → "5.00 GB", 1536 → "1.54 kB": for messages and progress lines. */
export function formatByteSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return i === 0 ? `${bytes} B` : `${v.toFixed(2)} ${units[i]}`;
}
