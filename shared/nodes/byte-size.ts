/**
 * Sizes as people write them for shard limits: "5GB" (decimal, as Hugging Face's max_shard_size),
 * "4GiB" (binary), "500MB", "2000000000" (bytes). Empty or "0" means no limit.
 */
const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  KIB: 2 ** 10,
  MIB: 2 ** 20,
  GIB: 2 ** 30,
  TIB: 2 ** 40,
};

export type ByteSizeResult = { ok: true; bytes: number } | { ok: false; message: string };

export function parseByteSize(text: string): ByteSizeResult {
  const t = text.trim();
  if (t === '') return { ok: true, bytes: 0 };
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(t);
  const unit = UNITS[(m?.[2] || 'B').toUpperCase()];
  if (!m || unit === undefined) return { ok: false, message: `"${t}" is not a size (write e.g. 5GB, 4GiB, 500MB)` };
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes !== 0 && bytes < 1e6) return { ok: false, message: `"${t}" is under 1 MB; a shard that small is surely a typo` };
  return { ok: true, bytes };
}

export function byteSizeProblem(text: string): string | undefined {
  const r = parseByteSize(text);
  return r.ok ? undefined : r.message;
}
