/**
 * Probe (the seed's equivalence): for one layer with weight W [out, in], LoRA factors A (down), B (up), scale s
 * and strength m, and a seeded batch X [in, N] of N(0, 1) values:
 *   base     Y₀ = W·X
 *   unfused  Y₁ = W·X + m·s·B·(A·X)        (the branch as trained: never forms B·A)
 *   fused    Y₂ = W'·X, W' = fp32(W + m·s·B·A)  (what Apply LoRA bakes, rounded to fp32 once)
 * Products accumulate in fp64 from fp32 inputs, so the fused/unfused difference is the fp32 rounding of W'.
 * A module without factors (LoHa, LoKr, full, dense) is probed with its dense ΔW as the "branch".
 */
import { moduleStream } from '../../merge-methods/random-stream.js';

export interface ProbeInput {
  /** W in module orientation, [out, inFlat] row-major. */
  readonly weight: Float32Array;
  readonly out: number;
  readonly inFlat: number;
  /** ΔW = scale·up·down; or `delta` (scale included) for modules without factors. */
  readonly factors?: { readonly up: Float32Array; readonly down: Float32Array; readonly rank: number; readonly scale: number };
  readonly delta?: Float32Array;
  readonly strength: number;
  readonly batch: number;
  readonly seed: number;
}

export type ProbeOutputName = 'base' | 'unfused' | 'fused';

export interface ProbeResult {
  readonly outputs: { name: ProbeOutputName; norm: number }[];
  readonly comparisons: { a: ProbeOutputName; b: ProbeOutputName; maxAbsDiff: number; relativeL2: number }[];
}

/** N(0, 1) by Box–Muller from the seeded stream of (seed, "probe"). */
export function probeInput(inFlat: number, batch: number, seed: number): Float64Array {
  const r = moduleStream(seed, 'probe', 0);
  const x = new Float64Array(inFlat * batch);
  const unit = (): number => (r.nextUint32() + 0.5) / 4294967296;
  for (let i = 0; i < x.length; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(unit()));
    const angle = 2 * Math.PI * unit();
    x[i] = Math.fround(radius * Math.cos(angle));
    if (i + 1 < x.length) x[i + 1] = Math.fround(radius * Math.sin(angle));
  }
  return x;
}

/** C [m, n] = A [m, k] · B [k, n], fp64 accumulation. */
function mul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p]!;
      if (av === 0) continue;
      const row = i * n;
      const brow = p * n;
      for (let j = 0; j < n; j++) c[row + j]! += av * b[brow + j]!;
    }
  }
  return c;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function compare(a: ProbeOutputName, b: ProbeOutputName, ya: Float64Array, yb: Float64Array): ProbeResult['comparisons'][number] {
  let max = 0;
  let sq = 0;
  for (let i = 0; i < ya.length; i++) {
    const d = Math.abs(ya[i]! - yb[i]!);
    if (d > max) max = d;
    sq += d * d;
  }
  const ref = norm(yb);
  return { a, b, maxAbsDiff: max, relativeL2: ref === 0 ? (sq === 0 ? 0 : 1) : Math.sqrt(sq) / ref };
}

export function probeLayer(p: ProbeInput): ProbeResult {
  const { out, inFlat, batch } = p;
  const x = probeInput(inFlat, batch, p.seed);
  const y0 = mul(p.weight, x, out, inFlat, batch);
  const c = p.strength * (p.factors?.scale ?? 1);
  const y1 = Float64Array.from(y0);
  let dense: Float64Array;
  if (p.factors) {
    const { up, down, rank } = p.factors;
    const ax = mul(down, x, rank, inFlat, batch);
    const bax = mul(up, ax, out, rank, batch);
    for (let i = 0; i < y1.length; i++) y1[i]! += c * bax[i]!;
    dense = mul(up, down, out, rank, inFlat);
  } else {
    const delta = p.delta ?? new Float32Array(out * inFlat);
    const dx = mul(delta, x, out, inFlat, batch);
    for (let i = 0; i < y1.length; i++) y1[i]! += c * dx[i]!;
    dense = Float64Array.from(delta);
  }
  const fused = new Float32Array(out * inFlat);
  for (let i = 0; i < fused.length; i++) fused[i] = p.weight[i]! + c * dense[i]!;
  const y2 = mul(fused, x, out, inFlat, batch);
  return {
    outputs: [
      { name: 'base', norm: norm(y0) },
      { name: 'unfused', norm: norm(y1) },
      { name: 'fused', norm: norm(y2) },
    ],
    comparisons: [compare('fused', 'unfused', y2, y1), compare('unfused', 'base', y1, y0), compare('fused', 'base', y2, y0)],
  };
}
