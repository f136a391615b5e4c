import { CancelledError, EngineError } from '../errors.js';

/** An error as it crosses a thread boundary: structured clone keeps neither the class nor own fields reliably. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  file?: string;
  tensor?: string;
  module?: string;
  node?: string;
  hint?: string;
}

const DETAIL_FIELDS = ['code', 'file', 'tensor', 'module', 'node', 'hint'] as const;

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const out: SerializedError = { name: err.name, message: err.message };
  if (err.stack) out.stack = err.stack;
  const fields = err as unknown as Record<string, unknown>;
  for (const key of DETAIL_FIELDS) {
    const value = fields[key];
    if (typeof value === 'string') out[key] = value;
  }
  return out;
}

/**
 * Rebuilds the error on the receiving side: an EngineError (with its code, subject and hint) when it had a
 * code, a CancelledError when it was one, else a plain Error. The subclass name (e.g. TensorIOError) is kept
 * in `name`; the stack is the worker's, where the error happened.
 */
export function deserializeError(s: SerializedError): Error {
  let err: Error;
  if (s.name === 'CancelledError') err = new CancelledError(s.message);
  else if (s.code !== undefined) {
    err = new EngineError(s.code, s.message, { file: s.file, tensor: s.tensor, module: s.module, node: s.node, hint: s.hint });
  } else err = new Error(s.message);
  err.name = s.name;
  if (s.stack) err.stack = s.stack;
  return err;
}
