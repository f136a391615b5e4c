/**
 * kohya sd-scripts' clamp of extracted / SVD-merged factors (svd_merge_lora.py, extract_lora_from_models.py):
 * hi = torch.quantile(cat(up, down), q) over the signed values, then both factors are clamped to [−hi, hi].
 * torch.quantile interpolates linearly between the sorted values at position q·(n−1).
 */
import { EngineError } from '../errors.js';

export function clampToQuantile(up: Float32Array, down: Float32Array, q: number): void {
  const hi = quantile(up, down, q);
  const lo = -hi;
  for (const x of [up, down]) for (let i = 0; i < x.length; i++) x[i] = Math.min(hi, Math.max(lo, x[i]!));
}

export function quantile(a: Float32Array, b: Float32Array, q: number): number {
  const all = new Float32Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  all.sort();
  const pos = q * (all.length - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < all.length ? all[i]! + frac * (all[i + 1]! - all[i]!) : all[i]!;
}

export function checkClampQuantile(q: number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (!Number.isFinite(q) || q <= 0 || q > 1) {
    throw new EngineError('bad-clamp-quantile', `Clamp quantile ${String(q)} is outside (0, 1].`, {
      hint: 'kohya uses 0.99: factor values beyond the 99th percentile (and below its negative) are clipped.',
    });
  }
  return q;
}
