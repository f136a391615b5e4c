/** What an extraction is asked for (checked by checkExtractOptions in extract-lora.ts). */
import type { RankRule } from '../../values/lora-value.js';

export interface ExtractOptions {
  /** Fixed rank, or a dynamic rule with maxRank as the largest rank allowed. */
  readonly rank: RankRule;
  /** 3×3 convolutions are extracted only with a conv rank (kohya --conv_dim): fixed, or the cap of a dynamic rule. */
  readonly convRank?: number;
  /** Skip modules whose largest |ΔW| entry is at most this (default 0.01, kohya's --min_diff). */
  readonly threshold?: number;
  /** Also extract text-encoder modules (default true). */
  readonly textEncoders?: boolean;
  /** kohya's --clamp_quantile (0.99 there); absent: no clamp (exact). */
  readonly clampQuantile?: number;
  /** Seed of the randomized SVD used for full-size matrices (default 0). */
  readonly seed?: number;
}
