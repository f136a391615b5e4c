/**
 * Rank resize with kohya sd-scripts' resize_lora.py semantics: each module's ΔW = scale·up·down is truncated
 * to rank k by its SVD, computed from the factors without the dense matrix (a lazy 'compress' source of the
 * one module, evaluated when a sink pulls it: module-source's lowRankSVD route), and the scale is kept:
 * alpha' = (alpha/r)·k (Save LoRA shows each module's own alpha/r), as kohya's new_alpha = scale·new_rank.
 *
 * Rules (RankRule, checked once): fixed k, or dynamic sv_ratio / sv_fro / sv_cumulative with kohya's --new_rank
 * as the cap. 3×3 conv modules take `convRank` when given (kohya's --new_conv_rank; its default is the rank).
 * A module whose rank is already ≤ a fixed k is kept as it is (bit for bit, where kohya would refactor it).
 * LoHa / LoKr / full modules become rank-k LoRA modules (their dense delta is compressed); DoRA modules are
 * refused when evaluated (their factors alone are not their effect); modules_to_save tensors pass through.
 */
import { EngineError } from '../../errors.js';
import type { LoraModuleValue, LoraValue, RankRule } from '../../values/lora-value.js';
import { checkRankRule } from '../../module-source/rank-rule.js';
import { ResizeReport } from './resize-report.js';

export interface ResizeOptions {
  /** The new rank (fixed) or a dynamic rule with maxRank as kohya's --new_rank. */
  readonly rank: RankRule;
  /** For 3×3 conv modules (LoCon): a fixed rank, or the cap of the dynamic rule; default: as `rank`. */
  readonly convRank?: number;
}

export interface ResizeResult {
  readonly lora: LoraValue;
  /** Per-module plan; complete it with the exported modules' statistics (ResizeReport.toReport). */
  readonly report: ResizeReport;
}

function isConv3x3(m: LoraModuleValue): boolean {
  return m.deltaShape.length === 4 && m.deltaShape.slice(2).some((k) => k > 1);
}

function ruleFor(m: LoraModuleValue, opts: ResizeOptions): RankRule {
  if (!isConv3x3(m) || opts.convRank === undefined) return opts.rank;
  return opts.rank.type === 'fixed' ? { type: 'fixed', rank: opts.convRank } : { ...opts.rank, maxRank: opts.convRank };
}

export function checkResizeOptions(opts: ResizeOptions): ResizeOptions {
  checkRankRule(opts.rank, 'resize');
  if (opts.convRank !== undefined && (!Number.isSafeInteger(opts.convRank) || opts.convRank < 1)) {
    throw new EngineError('bad-rank', `resize: conv rank ${String(opts.convRank)} is not a whole number ≥ 1.`, { hint: 'Give the rank of 3×3 conv modules, e.g. --conv-rank 8.' });
  }
  return opts;
}

export function resizeLora(lora: LoraValue, options: ResizeOptions, label = `${lora.label} (resized)`): ResizeResult {
  const opts = checkResizeOptions(options);
  const report = new ResizeReport(lora.label, opts);
  const modules = lora.modules.map((m): LoraModuleValue => {
    if (m.kind === 'replace') {
      report.keep(m, 'modules_to_save tensor (copied)');
      return m;
    }
    const rule = ruleFor(m, opts);
    if (rule.type === 'fixed' && m.rank !== undefined && m.rank <= rule.rank) {
      report.keep(m, `rank ${m.rank} ≤ ${rule.rank}`);
      return m;
    }
    const out = m.deltaShape[0]!;
    const inFlat = m.deltaShape.slice(1).reduce((a, b) => a * b, 1);
    const fixed = rule.type === 'fixed' ? Math.min(rule.rank, out, inFlat) : undefined;
    const capped: RankRule = fixed !== undefined ? { type: 'fixed', rank: fixed } : rule;
    report.resize(m, capped);
    return {
      ...m,
      rank: fixed,
      // The file keeps the module's alpha/r (kohya's new_alpha = scale·k): Save LoRA writes alpha = k·scale.
      // A module with scale 0 (alpha 0) is a zero delta: its truncation is shown with scale 1.
      scale: m.scale !== 0 && Number.isFinite(m.scale) ? m.scale : 1,
      strength: 1,
      source: { type: 'compress', out, inFlat, members: [{ source: m.source, coefficient: m.strength }], rank: capped },
    };
  });
  return { lora: { ...lora, label, modules }, report };
}
