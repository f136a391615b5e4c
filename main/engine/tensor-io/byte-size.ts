/**
 * Sizes as people write them for `--max-shard-size`: "5GB", "500MB", "2GiB", "1.5 GB", "123456".
 * Decimal units are powers of 1000 and binary units (KiB, MiB, GiB, TiB) powers of 1024, as in Hugging Face
 * transformers' `max_shard_size`. Unlike transformers, a lower-case "b" still means bytes ("500mb"), never bits.
 */
import { EngineError } from '../errors.js';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  k: 1e3,
  m: 1e6,
  g: 1e9,
  t: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Parses a byte size; throws EngineError 'bad-size' with a hint for anything else. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? m[2]!.toLowerCase() : undefined;
  if (!m || unit === undefined || !Object.prototype.hasOwnProperty.call(UNITS, unit)) {
    throw new EngineError('bad-size', `"${text}" is not a size.`, { hint: 'Write a number with an optional unit: 5GB, 500MB, 2GiB, 1.5TB, or a byte count.' });
  }
  const bytes = Math.floor(Number(m[1]) * UNITS[unit]!);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new EngineError('bad-size', `"${text}" is not a positive size.`, { hint: 'Give a size above zero, e.g. 5GB.' });
  }
  return bytes;
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
