/** Scales and ticks for the SVG plots (no chart library). */

export type Scale = (v: number) => number;

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** log10 scale; values at or below 0 are drawn at the bottom of the domain. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): Scale {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const lin = linearScale([l0, l1], range);
  return (v) => lin(v > 0 ? Math.log10(v) : l0);
}

/** About `count` round ticks covering [min, max] (1, 2, 5 × 10^k steps). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Round ticks from 0 that reach at least `max` (the last tick is the axis top). */
export function ticksCovering(max: number, count = 5): number[] {
  const top = max > 0 && Number.isFinite(max) ? max : 1;
  const ticks = niceTicks(0, top, count);
  const last = ticks[ticks.length - 1] ?? 0;
  if (last < top) {
    const step = ticks.length > 1 ? (ticks[1] as number) - (ticks[0] as number) : top;
    ticks.push(Number((last + step).toPrecision(12)));
  }
  return ticks;
}

/** Powers of ten covering a positive domain; the domain is widened to whole decades. */
export function decadeDomain(values: readonly number[]): { domain: [number, number]; ticks: number[] } {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return { domain: [0.1, 1], ticks: [0.1, 1] };
  let lo = Math.floor(Math.log10(Math.min(...positive)));
  let hi = Math.ceil(Math.log10(Math.max(...positive)));
  if (hi === lo) hi = lo + 1;
  // Very wide ranges (down to fp32 noise) would squash the interesting part: keep at most 12 decades.
  if (hi - lo > 12) lo = hi - 12;
  const ticks: number[] = [];
  const stride = hi - lo > 6 ? 2 : 1;
  for (let e = lo; e <= hi; e += stride) ticks.push(10 ** e);
  return { domain: [10 ** lo, 10 ** hi], ticks };
}

/** A palette that reads in both themes, for series drawn side by side. */
const SERIES_COLORS = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899', '#14b8a6', '#84cc16'];
export const seriesColor = (i: number): string => SERIES_COLORS[i % SERIES_COLORS.length] as string;
