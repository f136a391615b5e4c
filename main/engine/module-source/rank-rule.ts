/**
 * How many singular values to keep: kohya sd-scripts `networks/resize_lora.py` `rank_resize` (read at commit
 * 063ef10), so that resize and compress agree with the files people already make with it.
 *
 *   fixed          k
 *   sv_ratio       #{σ_i > σ_0/param}                      (the values within a factor `param` of the largest)
 *   sv_fro         smallest k with √(Σ_{i<k} σ_i² / Σ σ²) ≥ param   (searchsorted on the squared fraction)
 *   sv_cumulative  smallest k with Σ_{i<k} σ_i / Σ σ ≥ param
 * then at least 1 and at most the number of values; σ_0 ≤ 1e-6 (kohya's MIN_SV: a zero matrix) gives 1;
 * a dynamic rank is capped at `maxRank` (kohya's --new_rank).
 */
import { EngineError } from '../errors.js';
import type { DynamicRankMethod, RankRule } from '../values/lora-value.js';

/** kohya's MIN_SV: a module whose largest singular value is at most this is a zero matrix. */
export const MIN_SINGULAR_VALUE = 1e-6;

export const DYNAMIC_RANK_METHODS: readonly DynamicRankMethod[] = ['sv_ratio', 'sv_fro', 'sv_cumulative'];

export interface RankChoiceInput {
  /** Singular values, descending. */
  readonly values: ArrayLike<number>;
  /**
   * Σσ² of the whole matrix when `values` is only its top part (a randomized SVD): sv_fro then measures the
   * retained fraction against the true total. Absent: Σ of `values`.
   */
  readonly frobeniusSquared?: number;
}

/** The rank `rule` keeps of the spectrum. */
export function chooseRank(input: RankChoiceInput, rule: RankRule): number {
  const s = input.values;
  const n = s.length;
  if (n === 0) return 1;
  if (rule.type === 'fixed') return Math.max(1, Math.min(rule.rank, n));
  if (s[0]! <= MIN_SINGULAR_VALUE) return 1;
  let k: number;
  switch (rule.method) {
    case 'sv_ratio': {
      const floor = s[0]! / rule.param;
      k = 0;
      while (k < n && s[k]! > floor) k++;
      break;
    }
    case 'sv_fro': {
      let total = 0;
      for (let i = 0; i < n; i++) total += s[i]! * s[i]!;
      total = Math.max(total, input.frobeniusSquared ?? 0);
      k = firstReaching(n, (i) => s[i]! * s[i]!, total, rule.param * rule.param);
      break;
    }
    case 'sv_cumulative': {
      let total = 0;
      for (let i = 0; i < n; i++) total += s[i]!;
      k = firstReaching(n, (i) => s[i]!, total, rule.param);
      break;
    }
  }
  k = Math.max(1, Math.min(k, n));
  return rule.maxRank === undefined ? k : Math.min(k, rule.maxRank);
}

/** torch.searchsorted(cumsum(x)/total, target) + 1: the smallest count whose running fraction reaches target. */
function firstReaching(n: number, x: (i: number) => number, total: number, target: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += x(i);
    if (sum / total >= target) return i + 1;
  }
  return n;
}

/** The largest rank a rule can give (what to ask the SVD for), or undefined when only the spectrum can tell. */
export function rankCap(rule: RankRule): number | undefined {
  return rule.type === 'fixed' ? rule.rank : rule.maxRank;
}

/** Validates a rule once, before any tensor is read. */
export function checkRankRule(rule: RankRule, where = ''): RankRule {
  const prefix = where ? `${where}: ` : '';
  const checkRank = (r: number, what: string): void => {
    if (!Number.isSafeInteger(r) || r < 1) {
      throw new EngineError('bad-rank', `${prefix}${what} ${String(r)} is not a whole number ≥ 1.`, { hint: 'Give the rank of the output LoRA, e.g. --rank 32.' });
    }
  };
  if (rule.type === 'fixed') {
    checkRank(rule.rank, 'rank');
    return rule;
  }
  if (!DYNAMIC_RANK_METHODS.includes(rule.method)) {
    throw new EngineError('bad-rank-method', `${prefix}unknown dynamic rank method "${String(rule.method)}". Valid: ${DYNAMIC_RANK_METHODS.join(', ')}.`, {
      hint: 'sv_ratio keeps singular values within a factor of the largest; sv_fro and sv_cumulative keep a fraction of the energy.',
    });
  }
  const p = rule.param;
  const ok = Number.isFinite(p) && (rule.method === 'sv_ratio' ? p >= 1 : p > 0 && p <= 1);
  if (!ok) {
    throw new EngineError('bad-rank-param', `${prefix}${rule.method} parameter ${String(p)} is out of range (${rule.method === 'sv_ratio' ? 'at least 1' : 'in (0, 1]'}).`, {
      hint: rule.method === 'sv_ratio' ? 'sv_ratio keeps σ_i > σ_0/param: param 2 keeps the values within a factor 2 of the largest.' : `${rule.method} is the fraction of the spectrum kept, e.g. 0.9.`,
    });
  }
  if (rule.maxRank !== undefined) checkRank(rule.maxRank, 'maximum rank');
  return rule;
}
