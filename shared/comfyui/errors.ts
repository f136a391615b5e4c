/**
 * A workflow file the import cannot read. Shared code cannot use the engine's EngineError, so this mirrors
 * its shape (stable `code`, a message naming the file and the node, a `hint`); shells turn it into theirs.
 */
export type ComfyWorkflowErrorCode = 'invalid-json' | 'not-a-workflow' | 'invalid-workflow';

export class ComfyWorkflowError extends Error {
  readonly code: ComfyWorkflowErrorCode;
  readonly hint?: string;
  readonly file?: string;
  /** The ComfyUI node id the problem is about. */
  readonly node?: string;

  constructor(code: ComfyWorkflowErrorCode, message: string, details: { hint?: string; file?: string; node?: string } = {}) {
    super(message);
    this.name = 'ComfyWorkflowError';
    this.code = code;
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.file !== undefined) this.file = details.file;
    if (details.node !== undefined) this.node = details.node;
  }
}
