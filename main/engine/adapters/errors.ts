import { EngineError } from '../errors.js';

export type AdapterErrorCode =
  | 'not-found'
  | 'pickle-format'
  | 'bad-config'
  | 'no-modules'
  | 'missing-factor'
  | 'rank-mismatch'
  | 'shape-mismatch'
  | 'bad-alpha'
  | 'bad-dtype'
  | 'duplicate-param'
  | 'mixed-kinds'
  | 'config-mismatch'
  | 'unsupported'
  | 'not-a-delta'
  | 'rank-zero'
  | 'non-finite';

export interface AdapterErrorSubject {
  file: string;
  module?: string;
  tensor?: string;
  hint?: string;
  cause?: unknown;
}

/** A LoRA file that cannot be read as adapter modules: names the file, and the module / tensor where there is one. */
export class AdapterError extends EngineError {
  declare readonly code: AdapterErrorCode;
  constructor(code: AdapterErrorCode, subject: AdapterErrorSubject, message: string) {
    const where = subject.module !== undefined ? ` module "${subject.module}"` : subject.tensor !== undefined ? ` tensor "${subject.tensor}"` : '';
    super(code, `${subject.file}:${where}${where ? ':' : ''} ${message}`, subject);
    this.name = 'AdapterError';
  }
}
