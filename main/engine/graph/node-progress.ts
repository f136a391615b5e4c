/**
 * Per-node progress for the UI: fraction 0..1 with an ETA from the elapsed time (linear extrapolation once
 * there is enough to go on), throttled so a fast loop does not flood the event channel.
 */
import type { ProgressUpdate } from '../run-context.js';

export interface ProgressReport {
  fraction: number;
  etaMs: number | null;
  message?: string;
}

const MIN_INTERVAL_MS = 100;

export function createNodeProgress(emit: (p: ProgressReport) => void, now: () => number = Date.now): (u: ProgressUpdate) => void {
  const started = now();
  let last = -Infinity;
  let lastFraction = -1;
  return (u) => {
    const fraction = Number.isFinite(u.fraction) ? Math.min(1, Math.max(0, u.fraction)) : 0;
    const t = now();
    const final = fraction >= 1 && lastFraction < 1;
    if (!final && t - last < MIN_INTERVAL_MS) return;
    last = t;
    lastFraction = fraction;
    const elapsed = t - started;
    const etaMs = fraction >= 1 ? 0 : fraction > 0.02 && elapsed > 200 ? Math.round((elapsed * (1 - fraction)) / fraction) : null;
    emit({ fraction, etaMs, ...(u.message ? { message: u.message } : {}) });
  };
}
