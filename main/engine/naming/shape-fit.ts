/**
 * Does a module's ΔW fit its target? ΔW is in nn.Linear orientation [out, in] (or [out, in, kh, kw]); the
 * target says which rows it covers and whether the base stores the weight transposed.
 */
import type { ModuleTarget } from './types.js';

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);

/** The ΔW shape (module orientation) that exactly covers the target. */
export function expectedDeltaShape(t: ModuleTarget): number[] {
  const base = [...t.baseShape];
  if (t.transpose && base.length === 2) base.reverse();
  if (t.slice) base[0] = t.slice.length;
  return base;
}

function dropTrailingOnes(shape: readonly number[]): readonly number[] {
  let n = shape.length;
  while (n > 2 && shape[n - 1] === 1) n--;
  return shape.slice(0, n);
}

/**
 * Exact match; or equal up to trailing 1×1 kernel dims (a Linear LoRA on a 1×1 conv, a LoCon 1×1 on a
 * Linear proj_in); or, for conv weights, the same output rows and the same element count per row (LoHa/LoKr
 * without Tucker store conv deltas as [out, in·kh·kw], which ComfyUI reshapes onto the base).
 */
export function deltaFits(delta: readonly number[], t: ModuleTarget): boolean {
  const want = expectedDeltaShape(t);
  const a = dropTrailingOnes(delta);
  const b = dropTrailingOnes(want);
  if (a.length === b.length && a.every((x, i) => x === b[i])) return true;
  return want.length > 2 && delta.length === 2 && delta[0] === want[0] && delta[1] === product(want.slice(1));
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
