import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { TensorIOError, type TensorIOErrorCode } from '../../../main/engine/tensor-io/errors.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const realFixtures = path.resolve(repoRoot, '../shared/fixtures/real');

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `ls-tio-${prefix}-`));
}

/** Awaits `p` (or runs it), expects a TensorIOError with `code` whose message contains every `parts`. */
export async function expectIOError(p: Promise<unknown> | (() => unknown), code: TensorIOErrorCode, parts: readonly string[] = []): Promise<TensorIOError> {
  let err: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, `expected a TensorIOError ${code}`).toBeInstanceOf(TensorIOError);
  const e = err as TensorIOError;
  expect(e.code, e.message).toBe(code);
  for (const part of parts) expect(e.message).toContain(part);
  return e;
}

/** Bytes of a safetensors file from a raw header object (no validation: for malformed-file tests). */
export function rawSafetensors(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}
