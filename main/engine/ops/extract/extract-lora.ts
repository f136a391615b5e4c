/**
 * Extract LoRA (kohya extract_lora_from_models.py): a LoRA whose modules are the truncated SVDs of
 * ΔW = W_tuned − W_base, one per linear / conv weight of the architecture (plan-extraction.ts), alpha = rank
 * (scale 1) as kohya writes it.
 *
 * One pass in the worker pool (task 'extract.module'): each pair of weights is read once; max |ΔW| decides
 * skipping (kohya's --min_diff, 0.01 by default; identical weights always, without decoding them) and the
 * modules kept get their truncated SVD from the ΔW already in memory. The report lists every weight compared
 * and the skipped ones. Memory: O(largest tensor) per worker, and the small factors of the modules kept.
 */
import path from 'node:path';
import { orderedStream } from '../../export/ordered-stream.js';
import type { WorkerPool } from '../../compute/worker-pool.js';
import { EngineError } from '../../errors.js';
import type { SavedLoraModule } from '../../export/save-lora.js';
import { savedModuleOf } from '../../export/saved-module.js';
import type { ExtractSource } from '../../module-source/source-types.js';
import type { RunContext } from '../../run-context.js';
import type { LoraModuleValue, LoraValue, RankRule } from '../../values/lora-value.js';
import type { BaseModel } from '../../values/model-value.js';
import { checkClampQuantile } from '../../module-source/clamp-quantile.js';
import { checkRankRule } from '../../module-source/rank-rule.js';
import type { ExtractOptions } from './extract-options.js';
import { ExtractReport } from './extract-report.js';
import { planExtraction, type ExtractionUnit } from './plan-extraction.js';

export interface ExtractResult {
  /** The modules kept, as in-memory factors. */
  readonly lora: LoraValue;
  readonly report: ExtractReport;
  /** Each kept module as Save LoRA describes it (rank, alpha, what the SVD kept), for the report's rows. */
  readonly modules: SavedLoraModule[];
}

export const DEFAULT_EXTRACT_THRESHOLD = 0.01;

export function checkExtractOptions(o: ExtractOptions): ExtractOptions {
  checkRankRule(o.rank, 'extract');
  if (o.convRank !== undefined && (!Number.isSafeInteger(o.convRank) || o.convRank < 0)) {
    throw new EngineError('bad-rank', `extract: conv rank ${String(o.convRank)} is not a whole number ≥ 0.`, { hint: '0 (or none) leaves 3×3 convolutions out, as kohya without --conv_dim.' });
  }
  if (o.threshold !== undefined && !(Number.isFinite(o.threshold) && o.threshold >= 0)) {
    throw new EngineError('bad-threshold', `extract: threshold ${String(o.threshold)} is not a number ≥ 0.`, { hint: "The largest |ΔW| entry below which a module is skipped (kohya's --min_diff, 0.01)." });
  }
  checkClampQuantile(o.clampQuantile);
  return o;
}

function ruleFor(unit: ExtractionUnit, o: ExtractOptions): RankRule {
  const minDim = Math.min(unit.deltaShape[0]!, unit.deltaShape.slice(1).reduce((a, b) => a * b, 1));
  const cap = unit.conv3x3 ? o.convRank : undefined;
  if (o.rank.type === 'fixed') return { type: 'fixed', rank: Math.min(cap ?? o.rank.rank, minDim) };
  return { ...o.rank, maxRank: Math.min(cap ?? o.rank.maxRank ?? minDim, minDim) };
}

function sourceOf(unit: ExtractionUnit, o: ExtractOptions): ExtractSource {
  return {
    base: unit.base,
    tuned: unit.tuned,
    transpose: unit.transpose,
    out: unit.deltaShape[0]!,
    inFlat: unit.deltaShape.slice(1).reduce((a, b) => a * b, 1),
    rank: ruleFor(unit, o),
    ...(o.clampQuantile !== undefined ? { clampQuantile: o.clampQuantile } : {}),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
  };
}

export async function extractLora(base: BaseModel, tuned: BaseModel, options: ExtractOptions, env: RunContext & { pool: WorkerPool }): Promise<ExtractResult> {
  const o = checkExtractOptions(options);
  const units = planExtraction(base, tuned, { textEncoders: o.textEncoders ?? true, conv3x3: (o.convRank ?? 0) > 0 });
  const threshold = o.threshold ?? DEFAULT_EXTRACT_THRESHOLD;
  const report = new ExtractReport(base.path, tuned.path, o, threshold);
  const kept: LoraModuleValue[] = [];
  const modules: SavedLoraModule[] = [];
  await orderedStream(
    units,
    (u) => env.pool.run('extract.module', { source: sourceOf(u, o), threshold, module: u.name }, { signal: env.signal }),
    () => 1,
    async ({ stats, factors }, u, i) => {
      report.scanned(u, stats, factors !== undefined);
      if (factors) {
        const m: LoraModuleValue = {
          name: u.name,
          canonical: u.canonical,
          block: u.block,
          kind: 'lora',
          deltaShape: u.deltaShape,
          rank: factors.factors.rank,
          scale: 1,
          embedding: false,
          dora: false,
          strength: 1,
          source: { type: 'factors', factors: factors.factors, scale: factors.scale },
        };
        kept.push(m);
        modules.push(savedModuleOf(m, factors));
      }
      env.onProgress?.({ fraction: (i + 1) / units.length, message: `extracted ${i + 1}/${units.length}` });
    },
    { maxItems: Math.max(2, env.pool.size * 2), maxBytes: Number.MAX_SAFE_INTEGER, ...(env.signal ? { signal: env.signal } : {}) },
  );
  if (kept.length === 0) {
    throw new EngineError('extract-no-difference', `${tuned.path} differs from ${base.path} by at most ${report.largestDifference()} in every weight compared (threshold ${threshold}): there is nothing to extract.`, {
      file: tuned.path,
      hint: 'Lower --threshold if the fine-tune changed the weights only slightly.',
    });
  }
  const lora: LoraValue = {
    kind: 'lora',
    label: `${path.basename(tuned.path)} − ${path.basename(base.path)}`,
    architecture: base.keyMap.architecture,
    modules: kept,
    inputs: [...base.source.files, ...tuned.source.files],
    inputRoles: Object.fromEntries([...base.source.files.map((f) => [f, 'base']), ...tuned.source.files.map((f) => [f, 'tuned'])]),
    unusedKeys: [],
  };
  return { lora, report, modules };
}
