/**
 * NaN and ±Inf in an adapter: in a factor, in alpha (so in the scale), or produced by a low-rank product that
 * overflows fp32. A merge with such a module writes NaN/Inf weights that break the model silently, so the
 * loaders refuse them unless asked (`--allow-nonfinite`, Load LoRA's "Allow NaN / Inf"); inspect lists them.
 * Reading every factor once costs about what reading the LoRA costs (LoRAs are small next to checkpoints).
 */
import { throwIfAborted } from '../errors.js';
import { isFloatDType } from '../tensor-io/dtypes.js';
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

const count = (s: TensorScan): string => [s.nan > 0 ? `${s.nan} NaN` : '', s.inf > 0 ? `${s.inf} Inf` : ''].filter(Boolean).join(' and ');

/**
 * An upper bound of |ΔW| for a plain LoRA: |scale| · r · max|up| · max|down|. Above fp32's largest value the
 * product may overflow to ±Inf while it is computed.
 */
function overflowText(m: AdapterModule, scans: ReadonlyMap<string, TensorScan>): string | undefined {
  if (m.params.kind !== 'lora' || m.rank === undefined) return undefined;
  const up = scans.get(m.params.up);
  const down = scans.get(m.params.down);
  if (!up || !down) return undefined;
  const bound = Math.abs(m.scale) * m.rank * up.maxAbs * down.maxAbs;
  return bound > FLOAT32_MAX ? `scale × up × down may overflow fp32 (|up| up to ${up.maxAbs.toExponential(2)}, |down| up to ${down.maxAbs.toExponential(2)}, scale ${m.scale}), giving Inf` : undefined;
}

/** Every non-finite value of `adapter`, one finding per tensor (and per module for alpha and overflow). */
export async function findNonFinite(adapter: LoadedAdapter, signal?: AbortSignal): Promise<NonFiniteFinding[]> {
  const found: NonFiniteFinding[] = [];
  for (const m of adapter.modules) {
    throwIfAborted(signal);
    if (m.alpha !== undefined && !Number.isFinite(m.alpha)) found.push({ module: m.name, text: `module "${m.name}": alpha is ${m.alpha}` });
    else if (!Number.isFinite(m.scale)) found.push({ module: m.name, text: `module "${m.name}": scale is ${m.scale}` });
    const scans = new Map<string, TensorScan>();
    for (const key of m.keys) {
      const entry = adapter.source.get(key);
      if (!entry || !isFloatDType(entry.dtype)) continue;
      const s = scan(await adapter.source.readFloat32(key));
      scans.set(key, s);
      if (s.nan + s.inf > 0) found.push({ module: m.name, tensor: key, text: `tensor "${key}" holds ${count(s)} value${s.nan + s.inf === 1 ? '' : 's'}` });
    }
    const overflow = overflowText(m, scans);
    if (overflow !== undefined && ![...scans.values()].some((s) => s.nan + s.inf > 0)) found.push({ module: m.name, text: `module "${m.name}": ${overflow}` });
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
