/** Small helpers shared by the benchmarks: repeat and report best/median, seeded data. */
export interface Timing {
  best: number;
  median: number;
}

export async function timeIt(repeats: number, fn: () => unknown): Promise<Timing> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { best: times[0]!, median: times[Math.floor(times.length / 2)]! };
}

export function fmt(t: Timing, unit = 'ms'): string {
  return `best ${t.best.toFixed(2)} ${unit}, median ${t.median.toFixed(2)} ${unit}`;
}

/** Seeded uniform values in [−scale, scale). */
export function seeded(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = (a / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}
