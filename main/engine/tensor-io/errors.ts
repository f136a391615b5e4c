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
  | 'read-failed'
  | 'write-failed'
  | 'output-is-input';

/** A problem with a tensor file: always names the file, and the tensor where there is one. */
export class TensorIOError extends EngineError {
  declare readonly code: TensorIOErrorCode;
  constructor(code: TensorIOErrorCode, file: string, message: string, details: Omit<EngineErrorDetails, 'file'> = {}) {
    super(code, `${file}: ${message}`, { ...details, file });
    this.name = 'TensorIOError';
  }
}
