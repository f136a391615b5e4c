import { EngineError } from '../errors.js';

/**
 * kohya sd-scripts `networks/merge_lora.py` `merge_lora_models` (LoRA + LoRA → LoRA), reproduced for parity
 * with files people already made with it. It is NOT the exact combination (see docs/merge-methods.md):
 *
 *   base_alpha = alpha of the first input that has the module (its rank when it has no alpha)
 *   c_i = sqrt(alpha_i / base_alpha) · ratio_i;  down_i ← c_i·down_i,  up_i ← |c_i|·up_i
 *   default:  down = Σ c_i·down_i, up = Σ |c_i|·up_i (same rank required), alpha = base_alpha
 *   --concat: down = vstack(c_i·down_i), up = hstack(|c_i|·up_i), alpha = base_alpha, rank = Σ r_i
 *
 * So one input gives ratio·|ratio|·(alpha/r)·up·down (the ratio is squared, its sign kept); the default path
 * also adds the cross terms up_i·down_j; --concat gives Σ ratio_i·|ratio_i|·(alpha_i/Σr)·up_i·down_i.
 * Arithmetic as sd-scripts with `--precision float`: the scale is rounded to float32, each product and
 * each running sum is rounded to float32 (torch float32 ops), in input order.
 */
export interface KohyaFactors {
  /** lora_down, rank × (in·kh·kw) row-major (a conv's trailing dims flattened). */
  readonly down: Float32Array;
  /** lora_up, out × rank row-major (kohya's 1×1 conv up with its trailing 1×1 dropped). */
  readonly up: Float32Array;
  readonly rank: number;
  /** The stored alpha; absent means sd-scripts' default, the rank. */
  readonly alpha?: number;
}

export interface KohyaMergeResult {
  readonly down: Float32Array;
  readonly up: Float32Array;
  readonly rank: number;
  readonly alpha: number;
}

/**
 * One module of `merge_lora_models`. `inputs[i]` is the module in the i-th LoRA (undefined when that LoRA
 * lacks it), `ratios[i]` its `--ratios` value.
 */
export function kohyaMergeModule(
  module: string,
  inputs: readonly (KohyaFactors | undefined)[],
  ratios: readonly number[],
  options: { readonly concat: boolean },
): KohyaMergeResult {
  if (inputs.length !== ratios.length) {
    throw new EngineError('kohya-merge-ratio-count', `${module}: ${inputs.length} inputs but ${ratios.length} ratios.`, {
      module,
      hint: 'Give one ratio per LoRA, as sd-scripts requires.',
    });
  }
  const present: { factors: KohyaFactors; ratio: number; input: number }[] = [];
  inputs.forEach((factors, input) => {
    if (factors !== undefined) present.push({ factors: checkFactors(module, factors, input), ratio: ratios[input], input });
  });
  if (present.length === 0) {
    throw new EngineError('merge-no-inputs', `${module}: nothing to merge (no input has this module).`, { module });
  }
  const first = present[0].factors;
  // sd-scripts reads alpha through the merge dtype (float32) into a Python float.
  const baseAlpha = Math.fround(first.alpha ?? first.rank);
  const outDim = first.up.length / first.rank;
  const inDim = first.down.length / first.rank;
  for (const { factors, input } of present) {
    const otherOut = factors.up.length / factors.rank;
    const otherIn = factors.down.length / factors.rank;
    if (otherOut !== outDim || otherIn !== inDim) {
      throw new EngineError(
        'kohya-merge-shape-mismatch',
        `${module}: input ${input} maps ${otherIn} → ${otherOut} features, input ${present[0].input} maps ${inDim} → ${outDim}.`,
        { module, hint: 'The LoRAs were trained for different base models (e.g. SD 1.x and SD 2.x).' },
      );
    }
    if (!options.concat && factors.rank !== first.rank) {
      throw new EngineError(
        'kohya-merge-rank-mismatch',
        `${module}: input ${input} has rank ${factors.rank}, input ${present[0].input} rank ${first.rank}; sd-scripts' merge_lora.py only sums LoRAs of equal rank.`,
        { module, hint: 'Use --concat for kohya parity with different ranks, or our exact `concat` method.' },
      );
    }
  }
  const scaled = present.map(({ factors, ratio, input }) => {
    const alphaRatio = Math.fround(factors.alpha ?? factors.rank) / baseAlpha;
    if (!Number.isFinite(alphaRatio) || alphaRatio < 0) {
      // Python raises ZeroDivisionError / math domain error here; we say why instead.
      throw new EngineError(
        'kohya-merge-alpha',
        `${module}: input ${input} has alpha ${String(factors.alpha)} and the first input alpha ${baseAlpha}; sd-scripts' merge needs sqrt(alpha_i / alpha_first), which does not exist here.`,
        { module, hint: 'Use the exact `concat` method, which handles any alpha.' },
      );
    }
    if (!Number.isFinite(ratio)) {
      throw new EngineError('kohya-merge-ratio', `${module}: ratio ${String(ratio)} for input ${input} is not a number.`, { module });
    }
    const scale = Math.fround(Math.sqrt(alphaRatio) * ratio);
    return { factors, downScale: scale, upScale: Math.abs(scale) };
  });
  if (options.concat) return concatenate(scaled, outDim, inDim, baseAlpha);
  return sum(scaled, first.rank, baseAlpha);
}

interface ScaledInput {
  readonly factors: KohyaFactors;
  readonly downScale: number;
  readonly upScale: number;
}

function sum(inputs: readonly ScaledInput[], rank: number, alpha: number): KohyaMergeResult {
  const down = new Float32Array(inputs[0].factors.down.length);
  const up = new Float32Array(inputs[0].factors.up.length);
  inputs.forEach(({ factors, downScale, upScale }, i) => {
    // merged = merged + lora*scale: a float32 product, then a float32 sum; the first input only sets it.
    if (i === 0) {
      for (let j = 0; j < down.length; j++) down[j] = factors.down[j] * downScale;
      for (let j = 0; j < up.length; j++) up[j] = factors.up[j] * upScale;
      return;
    }
    for (let j = 0; j < down.length; j++) down[j] += Math.fround(factors.down[j] * downScale);
    for (let j = 0; j < up.length; j++) up[j] += Math.fround(factors.up[j] * upScale);
  });
  return { down, up, rank, alpha };
}

function concatenate(inputs: readonly ScaledInput[], outDim: number, inDim: number, alpha: number): KohyaMergeResult {
  const rank = inputs.reduce((r, x) => r + x.factors.rank, 0);
  const down = new Float32Array(rank * inDim);
  const up = new Float32Array(outDim * rank);
  let offset = 0;
  for (const { factors, downScale, upScale } of inputs) {
    const r = factors.rank;
    for (let j = 0; j < r * inDim; j++) down[offset * inDim + j] = factors.down[j] * downScale;
    for (let row = 0; row < outDim; row++) {
      for (let c = 0; c < r; c++) up[row * rank + offset + c] = factors.up[row * r + c] * upScale;
    }
    offset += r;
  }
  return { down, up, rank, alpha };
}

function checkFactors(module: string, f: KohyaFactors, input: number): KohyaFactors {
  const ok =
    Number.isSafeInteger(f.rank) &&
    f.rank > 0 &&
    f.down.length % f.rank === 0 &&
    f.up.length % f.rank === 0 &&
    f.down.length > 0 &&
    f.up.length > 0 &&
    (f.alpha === undefined || Number.isFinite(f.alpha));
  if (!ok) {
    throw new EngineError(
      'kohya-merge-bad-factors',
      `${module}: input ${input} has rank ${f.rank}, ${f.down.length} down and ${f.up.length} up values, alpha ${String(f.alpha)}: not a rank-${f.rank} LoRA.`,
      { module },
    );
  }
  return f;
}
