/**
 * Errors from reading a graph file. Shared code cannot use the engine's EngineError, so this mirrors its
 * shape (stable `code`, a message naming the file, a `hint`); shells print message and hint.
 */
export type GraphFileErrorCode = 'invalid-json' | 'not-a-graph' | 'invalid-version' | 'newer-version' | 'migration-failed' | 'invalid-graph' | 'too-deep';

export interface GraphFileIssue {
  /** Where in the JSON: "nodes[2].position.x", "" for the whole document. */
  readonly path: string;
  readonly message: string;
}

export class GraphFileError extends Error {
  readonly code: GraphFileErrorCode;
  readonly issues: readonly GraphFileIssue[];
  readonly hint?: string;
  readonly file?: string;

  constructor(code: GraphFileErrorCode, message: string, details: { issues?: readonly GraphFileIssue[]; hint?: string; file?: string } = {}) {
    super(message);
    this.name = 'GraphFileError';
    this.code = code;
    this.issues = details.issues ?? [];
    if (details.hint !== undefined) this.hint = details.hint;
    if (details.file !== undefined) this.file = details.file;
  }
}

/** ['nodes', 2, 'position', 'x'] -> "nodes[2].position.x"; odd keys are quoted: metadata["a b"]. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else {
      const key = String(seg);
      out += /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
    }
  }
  return out;
}
