import { MERGE_OPTION_DEFAULTS } from '../../../shared/merge-methods.js';
import { EngineError } from '../errors.js';
import {
  MAJORITY_SIGN_METHODS,
  MERGE_METHODS,
  type MajoritySign,
  type MergeMethodName,
  type TaskVectorMergeOptions,
} from './types.js';

/** What a shell or a node collects before it knows the values are valid; a missing option takes its default (shared/merge-methods.ts). */
export interface RawMergeOptions {
  readonly method: string;
  readonly density?: number;
  readonly seed?: number;
  readonly majority?: string;
}

export function parseMergeMethod(name: string): MergeMethodName {
  const found = MERGE_METHODS.find((m) => m === name);
  if (found === undefined) {
    throw new EngineError('merge-unknown-method', `Unknown merge method "${name}". Valid methods: ${MERGE_METHODS.join(', ')}.`, {
      hint: `Use one of ${MERGE_METHODS.join(', ')}.`,
    });
  }
  return found;
}

export function parseMajoritySign(name: string): MajoritySign {
  const found = MAJORITY_SIGN_METHODS.find((m) => m === name);
  if (found === undefined) {
    throw new EngineError('merge-unknown-majority', `Unknown majority sign method "${name}". Valid: ${MAJORITY_SIGN_METHODS.join(', ')}.`, {
      hint: "'total' elects the sign of the sum of the trimmed values (TIES paper, PEFT default); 'frequency' the sign most inputs have.",
    });
  }
  return found;
}

/** density must lie in (0, 1]: 1 keeps everything, 0 would drop every value (and divide by zero in DARE). */
export function checkDensity(method: MergeMethodName, density: number): number {
  if (!Number.isFinite(density) || density <= 0 || density > 1) {
    throw new EngineError('merge-density-range', `Density ${String(density)} is outside (0, 1] for the ${method} merge.`, {
      hint: 'Density is the fraction of each task vector kept: greater than 0, at most 1 (1 keeps everything).',
    });
  }
  return density;
}

/** A seed is a non-negative safe integer; both 32-bit halves feed the random streams. */
export function checkSeed(method: MergeMethodName, seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new EngineError('merge-seed-invalid', `Seed ${String(seed)} is not a non-negative integer.`, {
      hint: `Use an integer from 0 to ${Number.MAX_SAFE_INTEGER}.`,
    });
  }
  return seed;
}

/** Validates once, before any tensor is read, so a bad flag fails fast instead of after streaming half a model. */
export function validateMergeOptions(raw: RawMergeOptions): TaskVectorMergeOptions {
  const method = parseMergeMethod(raw.method);
  const majority = (): MajoritySign => parseMajoritySign(raw.majority ?? MERGE_OPTION_DEFAULTS.majority);
  const density = (): number => checkDensity(method, raw.density ?? MERGE_OPTION_DEFAULTS.density);
  const seed = (): number => checkSeed(method, raw.seed ?? MERGE_OPTION_DEFAULTS.seed);
  switch (method) {
    case 'task_arithmetic':
      return { method };
    case 'magnitude_prune':
      return { method, density: density() };
    case 'ties':
      return { method, density: density(), majority: majority() };
    case 'dare_linear':
      return { method, density: density(), seed: seed() };
    case 'dare_ties':
      return { method, density: density(), seed: seed(), majority: majority() };
  }
}
