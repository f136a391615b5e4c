/**
 * NaN and ±Inf in an adapter: in a factor, in alpha (so in the scale), or produced by a product that overflows
 * fp32 (any kind: LoRA, Tucker, LoHa, LoKr, full diffs; a cheap bound first, the exact ΔW only where the bound
 * says it may overflow). A merge with such a module writes NaN/Inf weights that break the model silently, so the
 * loaders refuse them unless asked (`--allow-nonfinite`, Load LoRA's "Allow NaN / Inf"); inspect lists them.
 * Reading every factor once costs about what reading the LoRA costs (LoRAs are small next to checkpoints).
 */
import { referenceMatMul } from '../compute/matmul.js';
import { throwIfAborted } from '../errors.js';
import { HALF_FLOAT_BITS, isFloatDType, type DType } from '../tensor-io/dtypes.js';
import { decodeFloat } from '../tensor-io/float-convert.js';
import { forEachTensorBytes } from '../tensor-io/positional-read.js';
import type { TensorEntry } from '../tensor-io/safetensors-header.js';
import { computeModuleDelta } from './delta.js';
import { AdapterError } from './errors.js';
import type { AdapterModule, LoadedAdapter } from './types.js';

const FLOAT32_MAX = 3.4028234663852886e38;

export interface NonFiniteFinding {
  readonly module: string;
  readonly tensor?: string;
  /** One line for people: where and what. */
  readonly text: string;
}

interface TensorScan {
  nan: number;
  inf: number;
  maxAbs: number;
}

function scan(values: Float32Array): TensorScan {
  let nan = 0;
  let inf = 0;
  let maxAbs = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== v) nan++;
    else if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) inf++;
    else {
      const a = v < 0 ? -v : v;
      if (a > maxAbs) maxAbs = a;
    }
  }
  return { nan, inf, maxAbs };
}

/**
 * scan() on F16 / BF16 bytes without decoding them: a finite value's magnitude grows with its bits below the
 * sign, so the largest of those, decoded alone, is the max-abs. The common case, no NaN or Inf, is one pass
 * that keeps the largest of those bits, two values per 32-bit word (measured: ~2× the per-value loop below,
 * ~20× decode + scan; Load LoRA scans every factor, on the critical path of a bake). A largest with an
 * all-ones exponent means there is a NaN or Inf: the per-value loop then counts them.
 */
export function scanHalf(bytes: Uint8Array, dtype: keyof typeof HALF_FLOAT_BITS): TensorScan {
  const bits = bytes.byteOffset % 4 === 0 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1) : new Uint16Array(bytes.slice().buffer, 0, bytes.byteLength >> 1);
  const { exponent, mantissa } = HALF_FLOAT_BITS[dtype];
  const maxAbs = (b: number): number => decodeFloat(new Uint8Array(new Uint16Array([b]).buffer), dtype)[0]!;
  const words = new Uint32Array(bits.buffer, bits.byteOffset, bits.length >> 1);
  let low = bits.length % 2 === 1 ? bits[bits.length - 1]! & 0x7fff : 0;
  let high = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const a = w & 0x7fff;
    const b = (w >>> 16) & 0x7fff;
    if (a > low) low = a;
    if (b > high) high = b;
  }
  const largestBits = Math.max(low, high);
  if ((largestBits & exponent) !== exponent) return { nan: 0, inf: 0, maxAbs: maxAbs(largestBits) };
  let nan = 0;
  let inf = 0;
  let largest = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]! & 0x7fff;
    if ((b & exponent) === exponent) {
      if (b & mantissa) nan++;
      else inf++;
    } else if (b > largest) largest = b;
  }
  return { nan, inf, maxAbs: maxAbs(largest) };
}

function scanBytes(bytes: Uint8Array, dtype: DType): TensorScan {
  if (dtype === 'F16' || dtype === 'BF16') return scanHalf(bytes, dtype);
  return scan(decodeFloat(bytes, dtype));
}

const count = (s: TensorScan): string => [s.nan > 0 ? `${s.nan} NaN` : '', s.inf > 0 ? `${s.inf} Inf` : ''].filter(Boolean).join(' and ');

/**
 * A cheap, sound upper bound of every |value| computing scale·ΔW passes through (each product, partial sum and
 * the scaled result), from the factors' max-abs values and inner dimensions: a sum of n terms each at most M is
 * at most n·M. Above OVERFLOW_SUSPECT the module's ΔW is computed exactly and scanned, so a bound that is loose
 * (cancellation, a small scale after a large product does not undo an Inf) never refuses a finite module.
 * Half of fp32's largest value leaves room for fp32 rounding of the partial sums.
 */
const OVERFLOW_SUSPECT = FLOAT32_MAX / 2;

function boundOf(adapter: LoadedAdapter, m: AdapterModule, scans: ReadonlyMap<string, TensorScan>): number | undefined {
  const max = (key: string): number | undefined => scans.get(key)?.maxAbs;
  const dim = (key: string, axis: number): number => adapter.source.get(key)?.shape[axis] ?? 1;
  /** a·b over b's rows; with a Tucker core (fold over its axis 1, then over axis 0): r1·r2·|a|·|core|·|b|. */
  const half = (a: string, b: string, core: string | undefined): number[] | undefined => {
    const [ma, mb] = [max(a), max(b)];
    if (ma === undefined || mb === undefined) return undefined;
    if (core === undefined) return [dim(b, 0) * ma * mb];
    const mc = max(core);
    if (mc === undefined) return undefined;
    const folded = dim(core, 1) * mc * mb;
    return [folded, dim(core, 0) * ma * folded];
  };
  const full = (key: string): number[] | undefined => {
    const v = max(key);
    return v === undefined ? undefined : [v];
  };
  const p = m.params;
  let steps: number[] | undefined;
  switch (p.kind) {
    case 'lora':
      steps = half(p.up, p.down, undefined);
      if (p.mid !== undefined) {
        const [mu, md, mm] = [max(p.up), max(p.down), max(p.mid)];
        steps = mu === undefined || md === undefined || mm === undefined ? undefined : [dim(p.mid, 1) * mm * md, dim(p.mid, 0) * dim(p.mid, 1) * mu * mm * md];
      }
      break;
    case 'loha': {
      const h1 = half(p.w1a, p.w1b, p.t1);
      const h2 = half(p.w2a, p.w2b, p.t2);
      steps = h1 && h2 ? [...h1, ...h2, h1.at(-1)! * h2.at(-1)!] : undefined;
      break;
    }
    case 'lokr': {
      const w1 = p.w1 !== undefined ? full(p.w1) : half(p.w1a!, p.w1b!, undefined);
      const w2 = p.w2 !== undefined ? full(p.w2) : half(p.w2a!, p.w2b!, p.t2);
      steps = w1 && w2 ? [...w1, ...w2, w1.at(-1)! * w2.at(-1)!] : undefined;
      break;
    }
    case 'full':
      steps = p.diff !== undefined ? full(p.diff) : undefined;
      break;
    case 'replace':
      return undefined;
  }
  if (!steps) return undefined;
  return Math.max(...steps, Math.abs(m.scale) * steps.at(-1)!);
}

/** Where the bound says scale·ΔW may overflow fp32: compute it exactly and say what is non-finite, if anything. */
async function overflowText(adapter: LoadedAdapter, m: AdapterModule, scans: ReadonlyMap<string, TensorScan>): Promise<string | undefined> {
  const bound = boundOf(adapter, m, scans);
  if (bound === undefined || bound <= OVERFLOW_SUSPECT) return undefined;
  const s = scan(await computeModuleDelta(adapter, m, referenceMatMul));
  if (s.nan + s.inf === 0) return undefined;
  return `scale × ΔW (${m.params.kind}) overflows fp32: ${count(s)} value${s.nan + s.inf === 1 ? '' : 's'} (the factors reach |${[...scans.values()].reduce((a, v) => Math.max(a, v.maxAbs), 0).toExponential(2)}|, scale ${m.scale})`;
}

/** Every non-finite value of `adapter`, one finding per tensor (and per module for alpha and overflow). */
export async function findNonFinite(adapter: LoadedAdapter, signal?: AbortSignal): Promise<NonFiniteFinding[]> {
  const found: NonFiniteFinding[] = [];
  const floats = [...new Set(adapter.modules.flatMap((m) => m.keys))].map((key) => adapter.source.get(key)).filter((e): e is TensorEntry => e !== undefined && isFloatDType(e.dtype));
  const scanned = new Map<string, TensorScan>();
  await forEachTensorBytes(floats, (entry, bytes) => {
    throwIfAborted(signal);
    scanned.set(entry.name, scanBytes(bytes, entry.dtype));
  });
  for (const m of adapter.modules) {
    throwIfAborted(signal);
    if (m.alpha !== undefined && !Number.isFinite(m.alpha)) found.push({ module: m.name, text: `module "${m.name}": alpha is ${m.alpha}` });
    else if (!Number.isFinite(m.scale)) found.push({ module: m.name, text: `module "${m.name}": scale is ${m.scale}` });
    const scans = new Map<string, TensorScan>();
    for (const key of m.keys) {
      const s = scanned.get(key);
      if (!s) continue;
      scans.set(key, s);
      if (s.nan + s.inf > 0) found.push({ module: m.name, tensor: key, text: `tensor "${key}" holds ${count(s)} value${s.nan + s.inf === 1 ? '' : 's'}` });
    }
    const overflow = Number.isFinite(m.scale) && ![...scans.values()].some((s) => s.nan + s.inf > 0) ? await overflowText(adapter, m, scans) : undefined;
    if (overflow !== undefined) found.push({ module: m.name, text: `module "${m.name}": ${overflow}` });
  }
  return found;
}

/** Throws AdapterError 'non-finite' for the first finding (and says how many more). */
export async function refuseNonFinite(adapter: LoadedAdapter, signal?: AbortSignal): Promise<void> {
  const found = await findNonFinite(adapter, signal);
  const first = found[0];
  if (!first) return;
  const more = found.length > 1 ? ` (and ${found.length - 1} more finding${found.length === 2 ? '' : 's'})` : '';
  throw new AdapterError(
    'non-finite',
    {
      file: adapter.source.path,
      module: first.module,
      ...(first.tensor !== undefined ? { tensor: first.tensor } : {}),
      hint: 'A merge with it would write NaN/Inf weights. Export the LoRA again; to use it anyway, pass --allow-nonfinite (CLI) or turn on "Allow NaN / Inf" on the Load LoRA node.',
    },
    `${first.text.replace(/^module "[^"]*": /, '')}${more}.`,
  );
}
