import { EngineError } from '../errors.js';

export type NamingErrorCode = 'unknown-canonical' | 'no-kohya-name' | 'fused-module' | 'unknown-family';

/** A module name that has no spelling in the requested dialect: names the module and says what to do. */
export class NamingError extends EngineError {
  declare readonly code: NamingErrorCode;
  constructor(code: NamingErrorCode, module: string, message: string, hint?: string) {
    super(code, message, { module, ...(hint !== undefined ? { hint } : {}) });
    this.name = 'NamingError';
  }
}
