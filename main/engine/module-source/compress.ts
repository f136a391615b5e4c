/**
 * Compress (Combine LoRAs, method svd): the best rank-k approximation of Σ c_i·ΔW_i. When every member has
 * low-rank factors the dense matrix is never formed: the members are concatenated exactly (concat.ts) and
 * lowRankSVD compresses the stacked factors (fp64 Grams, O((out+in)·R²)). Members without factors (LoHa,
 * LoKr, full patches) make the sum dense: it is compressed by denseTruncatedSVD.
 */
import type { MatMul } from '../compute/matmul.js';
import { lowRankSVD } from '../linalg/low-rank-svd.js';
import type { CombineMember, ModuleSource, RankRule } from '../values/lora-value.js';
import { cachedModule } from '../adapters/adapter-cache.js';
import { concatenate, memberFactors } from './concat.js';
import { denseTruncatedSVD, type DenseSVDOptions } from './dense-svd.js';
import { denseSum } from './member-delta.js';
import type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';
import { chooseRank } from './rank-rule.js';
import type { ScaledFactors } from './scaled-factors.js';
import { factorsFromSVD, type TruncatedSVD } from './svd-factors.js';

export async function compressSource(source: Extract<ModuleSource, { type: 'compress' }>, matmul: MatMul, opts: EvaluateOptions, evaluate: SourceEvaluator): Promise<ScaledFactors> {
  const { out, inFlat, members, rank, clampQuantile } = source;
  if (await allHaveFactors(members)) {
    const stacked = concatenate(await memberFactors(members, matmul, opts, evaluate), out, inFlat, opts.module);
    const ask = Math.min(stacked.rank, rank.type === 'fixed' ? rank.rank : rank.maxRank ?? stacked.rank);
    const svd = await lowRankSVD({ up: stacked.up, down: stacked.down, rows: out, rank: stacked.rank, cols: inFlat }, ask, matmul, { signal: opts.signal, module: opts.module });
    return truncate(svd, true, out, inFlat, rank, clampQuantile);
  }
  return compressDense(await denseSum(members, out, inFlat, matmul, opts, evaluate), out, inFlat, rank, clampQuantile, matmul, opts);
}

/** The best rank-`rule` approximation of a dense out×inFlat delta, as factors with scale 1. */
export async function compressDense(delta: Float32Array, out: number, inFlat: number, rule: RankRule, clampQuantile: number | undefined, matmul: MatMul, opts: EvaluateOptions & Pick<DenseSVDOptions, 'seed' | 'oversample' | 'powerIterations' | 'frobeniusSquared'>): Promise<ScaledFactors> {
  const minDim = Math.min(out, inFlat);
  const needsWholeSpectrum = rule.type === 'dynamic' && (rule.method === 'sv_cumulative' || rule.maxRank === undefined);
  const ask = Math.min(minDim, rule.type === 'fixed' ? rule.rank : rule.maxRank ?? minDim);
  const svd = await denseTruncatedSVD(delta, out, inFlat, ask, matmul, { signal: opts.signal, module: opts.module, complete: needsWholeSpectrum, seed: opts.seed, oversample: opts.oversample, powerIterations: opts.powerIterations, frobeniusSquared: opts.frobeniusSquared });
  return truncate(svd, svd.complete, out, inFlat, rule, clampQuantile);
}

function truncate(svd: SpectrumSVD, complete: boolean, out: number, inFlat: number, rule: RankRule, clampQuantile: number | undefined): ScaledFactors {
  const keep = rule.type === 'fixed' ? rule.rank : chooseRank({ values: svd.singularValues, frobeniusSquared: svd.frobeniusSquared }, rule);
  let kept = 0;
  for (let j = 0; j < Math.min(keep, svd.k); j++) kept += svd.S[j]! * svd.S[j]!;
  return {
    factors: factorsFromSVD(svd, out, inFlat, keep, clampQuantile),
    scale: 1,
    compression: {
      singularValues: svd.singularValues,
      complete,
      rank: keep,
      frobeniusRetained: svd.frobeniusSquared > 0 ? Math.sqrt(kept / svd.frobeniusSquared) : 1,
    },
  };
}

/** What truncate reads of either SVD. */
interface SpectrumSVD extends TruncatedSVD {
  readonly singularValues: Float64Array;
  readonly frobeniusSquared: number;
}

/** Whether every member can give low-rank factors (the sum then never needs the dense matrix). */
export async function allHaveFactors(members: readonly CombineMember[]): Promise<boolean> {
  for (const m of members) if (!(await hasFactors(m.source))) return false;
  return true;
}

async function hasFactors(source: ModuleSource): Promise<boolean> {
  switch (source.type) {
    case 'dense':
      return false;
    case 'file': {
      const { module } = await cachedModule(source.path, source.module);
      return module.params.kind === 'lora';
    }
    default:
      return true;
  }
}
