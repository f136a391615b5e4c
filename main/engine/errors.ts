/**
 * Every error the engine raises on bad input is an EngineError: a stable `code` for programs, a message
 * for people that names the file / tensor / module / node it is about, and a `hint` saying what to do.
 * Shells print `message` (and `hint`); tests assert on `code` and the named subject.
 */
export interface EngineErrorDetails {
  file?: string;
  tensor?: string;
  module?: string;
  node?: string;
  hint?: string;
  cause?: unknown;
}

export class EngineError extends Error {
  readonly code: string;
  readonly file?: string;
  readonly tensor?: string;
  readonly module?: string;
  readonly node?: string;
  readonly hint?: string;

  constructor(code: string, message: string, details: EngineErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EngineError';
    this.code = code;
    this.file = details.file;
    this.tensor = details.tensor;
    this.module = details.module;
    this.node = details.node;
    this.hint = details.hint;
  }

  /** Message plus hint, as shells print it. */
  describe(): string {
    return this.hint ? `${this.message}\n  hint: ${this.hint}` : this.message;
  }
}

/** Raised when an AbortSignal stops work; shells treat it as "stopped", not as a failure. */
export class CancelledError extends Error {
  /** Outputs that were complete (renamed into place) before the stop arrived: a stop cannot unwrite them. */
  readonly written: readonly string[];
  constructor(message = 'Stopped by the user.', written: readonly string[] = []) {
    super(message);
    this.name = 'CancelledError';
    this.written = written;
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
