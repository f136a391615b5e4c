/**
 * moduleFactors: the low-rank factors of any factor-producing module source, evaluated on demand (in a worker
 * thread, task 'combine.module'): file LoRA/LoCon/Tucker modules, in-memory factors, and the combined sources
 * (concat, compress, task-merge, kohya-merge). Dense sources and LoHa/LoKr/full modules have no factors.
 */
import { computeModuleDelta } from '../adapters/delta.js';
import { readLoraFactors } from '../adapters/factors.js';
import type { MatMul } from '../compute/matmul.js';
import { EngineError } from '../errors.js';
import type { ModuleSource } from '../values/lora-value.js';
import { cachedModule } from '../adapters/adapter-cache.js';
import { compressSource } from './compress.js';
import { concatSource } from './concat.js';
import type { EvaluateOptions, SourceEvaluator } from './evaluate-options.js';
import { kohyaMergeSource } from './kohya-merge.js';
import { deltaOfFactors, type ScaledFactors } from './scaled-factors.js';
import { taskMergeSource } from './task-merge.js';

export type { EvaluateOptions } from './evaluate-options.js';

export async function moduleFactors(source: ModuleSource, matmul: MatMul, opts: EvaluateOptions = {}): Promise<ScaledFactors> {
  switch (source.type) {
    case 'file':
      return fileFactors(source.path, source.module, matmul);
    case 'factors':
      return { factors: source.factors, scale: source.scale };
    case 'dense':
      throw new EngineError('no-factors', `${opts.module ?? 'A module'} holds a dense delta, not low-rank factors.`, {
        module: opts.module,
        hint: 'Compress it to a rank first (Combine LoRAs with method svd and a rank).',
      });
    case 'concat':
      return concatSource(source, matmul, opts, evaluator);
    case 'compress':
      return compressSource(source, matmul, opts, evaluator);
    case 'task-merge':
      return taskMergeSource(source, matmul, opts, evaluator);
    case 'kohya-merge':
      return kohyaMergeSource(source, matmul, opts, evaluator);
  }
}

/** The dense ΔW of a module source (module orientation, scale included, strength not). */
export async function moduleDelta(source: ModuleSource, matmul: MatMul): Promise<Float32Array> {
  switch (source.type) {
    case 'file': {
      const { adapter, module } = await cachedModule(source.path, source.module);
      return computeModuleDelta(adapter, module, matmul);
    }
    case 'factors': {
      const f = source.factors;
      const d = await matmul.matmul(f.up, f.down, f.out, f.rank, f.inFlat);
      if (source.scale !== 1) for (let i = 0; i < d.length; i++) d[i]! *= source.scale;
      return d;
    }
    case 'dense':
      return source.delta;
    case 'concat':
    case 'compress':
    case 'task-merge':
    case 'kohya-merge':
      return deltaOfFactors(await moduleFactors(source, matmul), matmul);
  }
}

const evaluator: SourceEvaluator = { factors: moduleFactors, delta: moduleDelta };

async function fileFactors(path: string, name: string, matmul: MatMul): Promise<ScaledFactors> {
  const { adapter, module } = await cachedModule(path, name);
  if (module.params.kind !== 'lora') {
    throw new EngineError('no-factors', `${path}: module "${name}" is ${module.params.kind === 'full' ? 'a full (dense) patch' : `a ${module.params.kind.toUpperCase()} module`}, which has no low-rank factors.`, {
      file: path,
      module: name,
      hint: 'Its dense delta can be compressed to a rank: Combine LoRAs with method svd and a rank.',
    });
  }
  if (module.dora) {
    throw new EngineError('dora-not-linear', `${path}: module "${name}" is DoRA; its effect depends on the base weight, so its factors alone are not its delta.`, {
      file: path,
      module: name,
      hint: 'Bake DoRA LoRAs into the model (lora-studio merge) instead of combining them.',
    });
  }
  return { factors: await readLoraFactors(adapter, module, matmul), scale: module.scale };
}
