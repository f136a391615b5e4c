import { EngineError, type EngineErrorDetails } from '../errors.js';

export type TensorIOErrorCode =
  | 'not-found'
  | 'not-a-file'
  | 'pickle-format'
  | 'unknown-format'
  | 'too-small'
  | 'header-too-large'
  | 'header-truncated'
  | 'header-not-json'
  | 'header-not-object'
  | 'header-too-deep'
  | 'bad-entry'
  | 'bad-dtype'
  | 'bad-shape'
  | 'bad-offsets'
  | 'size-mismatch'
  | 'out-of-bounds'
  | 'overlap'
  | 'bad-metadata'
  | 'bad-index'
  | 'missing-shard'
  | 'duplicate-tensor'
  | 'unknown-tensor'
  | 'no-checkpoint'
  | 'ambiguous-checkpoint'
  | 'read-failed'
  | 'write-failed'
  | 'output-is-input'
  | 'bad-plan'
  | 'write-order'
  | 'writer-closed'
  | 'reserved-metadata'
  | 'metadata-too-large';

/** A problem with a tensor file: always names the file, and the tensor where there is one. */
export class TensorIOError extends EngineError {
  declare readonly code: TensorIOErrorCode;
  declare readonly file: string;
  /** The message without the leading "file: ", for re-wrapping with more context. */
  readonly reason: string;
  constructor(code: TensorIOErrorCode, file: string, message: string, details: Omit<EngineErrorDetails, 'file'> = {}) {
    super(code, `${file}: ${message}`, { ...details, file });
    this.name = 'TensorIOError';
    this.reason = message;
  }
}

/** "EACCES: permission denied" from a Node system error, or the message of anything else. */
export function systemErrorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const text = err.message.replace(/,\s*(open|read|write|stat|lstat|rename|unlink|fsync|close|realpath|opendir|scandir)\s+'.*'$/, '');
    return code && !text.startsWith(code) ? `${code}: ${text}` : text;
  }
  return String(err);
}
