/** What a node-failed event says about an error: a stable code, the message, a hint, and the cause behind it. */
import { CancelledError, EngineError } from '../errors.js';

export interface ErrorInfo {
  code: string;
  message: string;
  hint?: string;
  /** The underlying error (a system call's, a bug's stack) when it adds something to the message. */
  cause?: string;
}

export function isCancellation(err: unknown, signal?: AbortSignal): boolean {
  return err instanceof CancelledError || (signal?.aborted === true && err instanceof Error && err.name === 'AbortError');
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null) return undefined;
  if (cause instanceof Error) return cause.message;
  return typeof cause === 'string' ? cause : undefined;
}

export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof EngineError) {
    const cause = causeText(err.cause);
    return { code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}), ...(cause && cause !== err.message ? { cause } : {}) };
  }
  if (err instanceof Error) {
    const sys = (err as NodeJS.ErrnoException).code;
    if (typeof sys === 'string' && /^E[A-Z]+$/.test(sys)) {
      const hint = sys === 'ENOSPC' ? 'The disk is full: free some space or write the output elsewhere.' : sys === 'EACCES' || sys === 'EPERM' ? 'Check the permissions of the file and its folder.' : undefined;
      return { code: `io-${sys.toLowerCase()}`, message: err.message, ...(hint ? { hint } : {}) };
    }
    return { code: 'internal', message: err.message, hint: 'This looks like a bug in LoRA Studio; please report it with the graph.', ...(err.stack ? { cause: err.stack } : {}) };
  }
  return { code: 'internal', message: String(err) };
}
