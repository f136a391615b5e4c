/**
 * The one reading of byte sizes (max shard size: Save Model's param and `--max-shard-size`): "5GB", "500MB",
 * "500KB", "1.5 GB", "5G", "2GiB", "123456" (bytes). Decimal units are powers of 1000 and binary units (KiB,
 * MiB, GiB, TiB) powers of 1024, as Hugging Face transformers' `max_shard_size`; a lower-case "b" still means
 * bytes ("500mb"), never bits. Empty or "0" means no limit (bytes 0).
 */
const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

export type ByteSizeResult = { ok: true; bytes: number } | { ok: false; message: string };

export const BYTE_SIZE_HINT = 'Write a number with an optional unit: 5GB, 500MB, 2GiB, 1.5TB, or a byte count; 0 or nothing for no limit.';

export function parseByteSize(text: string): ByteSizeResult {
  const t = text.trim();
  if (t === '') return { ok: true, bytes: 0 };
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]*)$/.exec(t);
  const unit = m ? m[2]!.toLowerCase() : undefined;
  if (!m || unit === undefined || !Object.prototype.hasOwnProperty.call(UNITS, unit)) return { ok: false, message: `"${t}" is not a size (write e.g. 5GB, 4GiB, 500MB)` };
  const bytes = Math.floor(Number(m[1]) * UNITS[unit]!);
  if (!Number.isSafeInteger(bytes)) return { ok: false, message: `"${t}" is too large` };
  return { ok: true, bytes };
}

export function byteSizeProblem(text: string): string | undefined {
  const r = parseByteSize(text);
  return r.ok ? undefined : r.message;
}
