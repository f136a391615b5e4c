/**
 * alpha and scale of one module. PEFT-dialect modules with a config follow PEFT (config r / lora_alpha,
 * rank_pattern / alpha_pattern, rsLoRA alpha/√r). Everything else follows ComfyUI: a stored `.alpha` gives
 * alpha / r (r = the kind's divisor, see ModuleStructure), no alpha gives 1, and kinds without a divisor
 * (full diffs, LoKr with full w1 and w2) ignore alpha.
 */
import { configAlpha } from './peft-config.js';
import { getPatternKey, peftModulePath } from './peft-patterns.js';
import type { ModuleTensors, ModuleStructure } from './module-tensors.js';
import type { AlphaSource, PeftAdapterConfig } from './types.js';

export interface ResolvedScale {
  alpha: number | undefined;
  alphaSource: AlphaSource;
  scale: number;
  /** The stored alpha when a config overrode it (for a note). */
  overriddenStoredAlpha?: number;
}

export interface AppliedConfig {
  config: PeftAdapterConfig;
  /** The file the config came from, for errors. */
  where: string;
}

export function resolveScale(t: ModuleTensors, s: ModuleStructure, storedAlpha: number | undefined, applied: AppliedConfig | undefined): ResolvedScale {
  if (applied) return peftScale(t, s, storedAlpha, applied);
  if (storedAlpha === undefined) return { alpha: undefined, alphaSource: 'none', scale: 1 };
  const scale = s.rankForScale === undefined ? 1 : storedAlpha / s.rankForScale;
  return { alpha: storedAlpha, alphaSource: 'tensor', scale };
}

function peftScale(t: ModuleTensors, s: ModuleStructure, storedAlpha: number | undefined, { config, where }: AppliedConfig): ResolvedScale {
  const path = peftModulePath(t.name);
  const rKey = getPatternKey(Object.keys(config.rank_pattern), path, where);
  const aKey = getPatternKey(Object.keys(config.alpha_pattern), path, where);
  const r = rKey !== undefined ? config.rank_pattern[rKey]! : config.r;
  const alpha = aKey !== undefined ? config.alpha_pattern[aKey]! : configAlpha(config);
  if (s.rankForScale !== undefined && s.rankForScale !== r) {
    const why = rKey !== undefined ? `rank_pattern "${rKey}" gives r = ${r}` : `r = ${r}${Object.keys(config.rank_pattern).length ? ' and no rank_pattern key matches' : ''}`;
    throw t.error('config-mismatch', `its tensors have rank ${s.rankForScale}, but the PEFT config (${where}) says ${why}.`, undefined, 'The adapter_config.json does not belong to this file, or its rank_pattern is missing an entry.');
  }
  const scale = alpha / (config.use_rslora ? Math.sqrt(r) : r);
  return {
    alpha,
    alphaSource: aKey !== undefined ? 'config-pattern' : 'config',
    scale,
    ...(storedAlpha !== undefined && storedAlpha !== alpha ? { overriddenStoredAlpha: storedAlpha } : {}),
  };
}
