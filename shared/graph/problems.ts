/**
 * A problem found before a run, by shared validation (graph structure, params) or by the engine (files,
 * mapping, memory). One type for both, so the UI lists them together and links each to its node.
 */
import { z } from 'zod';

export const PROBLEM_SEVERITIES = ['error', 'warning'] as const;
export type ProblemSeverity = (typeof PROBLEM_SEVERITIES)[number];

/**
 * Codes raised by shared validation, and the ones the engine adds. Node definitions' own checks add
 * theirs (e.g. "needs-input-c", "empty-selection"); `code` is therefore an open string.
 */
export const PROBLEM_CODES = {
  // graph structure (shared)
  noSink: 'no-sink',
  unknownNode: 'unknown-node',
  unknownNodeType: 'unknown-node-type',
  nodeVersionNewer: 'node-version-newer',
  nodeMigrationFailed: 'node-migration-failed',
  paramInvalid: 'param-invalid',
  paramIgnored: 'param-ignored',
  paramUnknown: 'param-unknown',
  missingInput: 'missing-input',
  tooManyInputs: 'too-many-inputs',
  danglingEdge: 'dangling-edge',
  unknownPort: 'unknown-port',
  incompatibleConnection: 'incompatible-connection',
  duplicateEdge: 'duplicate-edge',
  edgeParamInvalid: 'edge-param-invalid',
  edgeParamUnknown: 'edge-param-unknown',
  cycle: 'cycle',
  // engine (file system, mapping, resources)
  fileNotFound: 'file-not-found',
  fileUnreadable: 'file-unreadable',
  notSafetensors: 'not-safetensors',
  pickleRefused: 'pickle-refused',
  outputIsInput: 'output-is-input',
  outputExists: 'output-exists',
  loraUnmatched: 'lora-unmatched',
  architectureMismatch: 'architecture-mismatch',
  insufficientMemory: 'insufficient-memory',
} as const;

export type KnownProblemCode = (typeof PROBLEM_CODES)[keyof typeof PROBLEM_CODES];

export const problemSchema = z.object({
  severity: z.enum(PROBLEM_SEVERITIES),
  code: z.string(),
  /** A whole sentence for people; names the node, the param or port, and the value. */
  message: z.string(),
  /** Absent for graph-wide problems (no sink). */
  nodeId: z.string().optional(),
  /** The node's title as the user sees it (its own title, else the definition's). */
  nodeTitle: z.string().optional(),
  edgeId: z.string().optional(),
  port: z.string().optional(),
  param: z.string().optional(),
  /** Every node involved, when there are several (a cycle). */
  nodeIds: z.array(z.string()).optional(),
  /** What to do about it. */
  hint: z.string().optional(),
  /** The long part (a list of unmatched modules), folded away under the one-line message in the UI. */
  details: z.string().optional(),
});

export type Problem = z.infer<typeof problemSchema>;

export const hasErrors = (problems: readonly Problem[]): boolean => problems.some((p) => p.severity === 'error');
