import { describe, expect, it } from 'vitest';
import { EngineError } from '../../../main/engine/errors.js';
import { mergeTaskVectors, validateMergeOptions, type TaskVectorMergeOptions } from '../../../main/engine/merge-methods/index.js';
import { MERGE_OPTION_DEFAULTS } from '../../../shared/merge-methods.js';

function errorOf(fn: () => unknown): EngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return e;
    throw e;
  }
  throw new Error('expected an EngineError');
}

describe('merge options', () => {
  it('accepts each method with what it needs and defaults majority to total', () => {
    expect(validateMergeOptions({ method: 'task_arithmetic', density: 0.3 })).toEqual({ method: 'task_arithmetic' });
    expect(validateMergeOptions({ method: 'ties', density: 0.3 })).toEqual({ method: 'ties', density: 0.3, majority: 'total' });
    expect(validateMergeOptions({ method: 'dare_ties', density: 1, seed: 2 ** 40, majority: 'frequency' })).toEqual({
      method: 'dare_ties',
      density: 1,
      seed: 2 ** 40,
      majority: 'frequency',
    });
  });

  it('rejects an unknown method, listing the valid ones', () => {
    const e = errorOf(() => validateMergeOptions({ method: 'slerp' }));
    expect(e.code).toBe('merge-unknown-method');
    expect(e.message).toContain('"slerp"');
    expect(e.message).toContain('task_arithmetic, magnitude_prune, ties, dare_linear, dare_ties');
  });

  it.each([0, -0.1, 1.0000001, 2, NaN, Infinity])('rejects density %s as outside (0, 1]', (density) => {
    const e = errorOf(() => validateMergeOptions({ method: 'dare_linear', density, seed: 1 }));
    expect(e.code).toBe('merge-density-range');
    expect(e.message).toContain('outside (0, 1]');
  });

  it('a missing density, seed or majority takes the shared default (shared/merge-methods.ts); bad seeds are refused', () => {
    expect(validateMergeOptions({ method: 'ties' })).toEqual({ method: 'ties', density: MERGE_OPTION_DEFAULTS.density, majority: MERGE_OPTION_DEFAULTS.majority });
    expect(validateMergeOptions({ method: 'dare_ties', density: 0.3 })).toEqual({ method: 'dare_ties', density: 0.3, seed: MERGE_OPTION_DEFAULTS.seed, majority: 'total' });
    expect(errorOf(() => validateMergeOptions({ method: 'dare_linear', density: 0.5, seed: -1 })).code).toBe('merge-seed-invalid');
    expect(errorOf(() => validateMergeOptions({ method: 'dare_linear', density: 0.5, seed: 1.5 })).code).toBe('merge-seed-invalid');
  });

  it('rejects an unknown majority method', () => {
    const e = errorOf(() => validateMergeOptions({ method: 'ties', density: 0.5, majority: 'mean' }));
    expect(e.code).toBe('merge-unknown-majority');
    expect(e.message).toContain('total, frequency');
  });

  it('re-checks the options it is given at merge time', () => {
    const bad = { method: 'ties', density: 0, majority: 'total' } as TaskVectorMergeOptions;
    expect(errorOf(() => mergeTaskVectors('m', [{ values: new Float32Array(2), weight: 1 }], bad)).code).toBe('merge-density-range');
  });
});

describe('merge inputs', () => {
  const module = 'base_model.model.model.layers.3.mlp.down_proj';

  it('names the module when lengths differ', () => {
    const e = errorOf(() =>
      mergeTaskVectors(module, [{ values: new Float32Array(6), weight: 1 }, { values: new Float32Array(4), weight: 1 }], { method: 'task_arithmetic' }),
    );
    expect(e.code).toBe('merge-length-mismatch');
    expect(e.module).toBe(module);
    expect(e.message).toContain(`${module}: input 1 has 4 values but input 0 has 6`);
  });

  it('rejects no inputs, a non-finite weight, a repeated input index and a wrong-sized output', () => {
    const v = new Float32Array(3);
    expect(errorOf(() => mergeTaskVectors(module, [], { method: 'task_arithmetic' })).code).toBe('merge-no-inputs');
    expect(errorOf(() => mergeTaskVectors(module, [{ values: v, weight: NaN }], { method: 'task_arithmetic' })).code).toBe('merge-weight-invalid');
    const twice = [{ values: v, weight: 1, index: 2 }, { values: v, weight: 1, index: 2 }];
    expect(errorOf(() => mergeTaskVectors(module, twice, { method: 'dare_linear', density: 0.5, seed: 0 })).code).toBe('merge-index-invalid');
    expect(errorOf(() => mergeTaskVectors(module, [{ values: v, weight: 1 }], { method: 'task_arithmetic' }, new Float32Array(2))).code).toBe(
      'merge-length-mismatch',
    );
  });
});
