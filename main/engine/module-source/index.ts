/** Evaluating module sources (values/lora-value.ts ModuleSource): factors of any factor-producing source. */
export { moduleDelta, moduleFactors } from './evaluate.js';
export type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';
export { deltaOfFactors, type ScaledFactors, type CompressionStats } from './scaled-factors.js';
export { concatenate } from './concat.js';
export { compressDense } from './compress.js';
export { denseTruncatedSVD, type DenseSVDOptions, type DenseSVDResult } from './dense-svd.js';
export { chooseRank, checkRankRule, rankCap, DYNAMIC_RANK_METHODS, MIN_SINGULAR_VALUE, type RankChoiceInput } from './rank-rule.js';
export { checkClampQuantile, clampToQuantile, quantile } from './clamp-quantile.js';
export { factorsFromSVD, type TruncatedSVD } from './svd-factors.js';
export { moduleFactorsTask, type ModuleFactorsPayload, type ModuleFactorsResult } from './task.js';
