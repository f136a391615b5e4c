import { EngineError, type EngineErrorDetails } from '../../errors.js';

export type CombineErrorCode =
  | 'combine-no-inputs'
  | 'combine-weight-invalid'
  | 'combine-architecture-mismatch'
  | 'combine-nothing-in-common'
  | 'combine-shape-mismatch'
  | 'combine-fused-part'
  | 'combine-dora'
  | 'combine-replace-module'
  | 'combine-no-factors'
  | 'kohya-merge-rank-mismatch';

/** A combination that cannot be made: names the input file and module, says what to do instead. */
export class CombineError extends EngineError {
  declare readonly code: CombineErrorCode;
  constructor(code: CombineErrorCode, message: string, details: EngineErrorDetails = {}) {
    super(code, message, details);
  }
}
