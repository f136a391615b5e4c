/**
 * Test helpers for adapters: fixture tensors and independent dense references (float64 loops written from
 * the formulas, not from the engine's code).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { DTYPE_INFO, type DType } from '../../../main/engine/tensor-io/dtypes.js';
import { randomValues, writeSafetensors, type FixtureTensor } from '../../helpers/safetensors.js';

export const tmpDir = (label: string): string => mkdtempSync(path.join(tmpdir(), `ls-adapters-${label}-`));

let seedCounter = 1;

/** A random float tensor with a fresh seed each call (deterministic across runs). */
export function rnd(name: string, shape: number[], dtype: DType = 'F32'): FixtureTensor & { data: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { name, shape, data: randomValues(n, 1000 + seedCounter++), dtype };
}

export function scalar(name: string, value: number, dtype: DType = 'F32', shape: number[] = []): FixtureTensor {
  if (DTYPE_INFO[dtype].float) return { name, shape, data: [value], dtype };
  const bytes = new Uint8Array(DTYPE_INFO[dtype].bytes);
  const dv = new DataView(bytes.buffer);
  if (dtype === 'I64') dv.setBigInt64(0, BigInt(value), true);
  else if (dtype === 'I32') dv.setInt32(0, value, true);
  else if (dtype === 'U8' || dtype === 'BOOL') dv.setUint8(0, value);
  else throw new Error(`scalar: add ${dtype}`);
  return { name, shape, data: bytes, dtype };
}

export function write(dir: string, file: string, tensors: FixtureTensor[], metadata?: Record<string, string>): string {
  return writeSafetensors(path.join(dir, file), tensors, metadata);
}

/** a [m, k] · b [k, n] in float64. */
export function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
    c[i * n + j] = s;
  }
  return c;
}

export function scaled(a: Float64Array, s: number): Float64Array {
  return a.map((v) => v * s);
}

/** einsum('i j k l, j r, i p -> p r k l', core [r1, r2, kh, kw], b [r2, n], a [r1, m]) → [m, n, kh, kw] flattened. */
export function tuckerEinsum(core: ArrayLike<number>, r1: number, r2: number, kh: number, kw: number, b: ArrayLike<number>, n: number, a: ArrayLike<number>, m: number): Float64Array {
  const out = new Float64Array(m * n * kh * kw);
  for (let p = 0; p < m; p++) for (let r = 0; r < n; r++) for (let k = 0; k < kh; k++) for (let l = 0; l < kw; l++) {
    let s = 0;
    for (let i = 0; i < r1; i++) for (let j = 0; j < r2; j++) s += core[((i * r2 + j) * kh + k) * kw + l]! * b[j * n + r]! * a[i * m + p]!;
    out[((p * n + r) * kh + k) * kw + l] = s;
  }
  return out;
}

export function transpose64(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j]!;
  return t;
}

/** Relative agreement: max |a − e| ≤ tol · max(1, max |e|). */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  let maxErr = 0;
  let maxRef = 1;
  for (let i = 0; i < expected.length; i++) {
    maxErr = Math.max(maxErr, Math.abs(actual[i]! - expected[i]!));
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  expect(maxErr).toBeLessThanOrEqual(tol * maxRef);
}

/** Runs `fn`, expects an EngineError-like rejection, returns it for further checks. */
export async function rejection(fn: () => Promise<unknown>): Promise<Error & { code: string; file?: string; module?: string; tensor?: string }> {
  const err = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as Error & { code: string; file?: string; module?: string; tensor?: string };
}
