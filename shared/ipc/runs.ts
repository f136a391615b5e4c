/** Starting and stopping runs, and what a run leaves behind. */
import { z } from 'zod';
import { problemSchema } from '../graph/problems.js';
import { reportSchema } from './reports.js';

export const runOptionsSchema = z.object({
  /** Run these nodes (and what they need) instead of every output node. */
  onlyNodes: z.array(z.string()).optional(),
  /** Ignore cached results and recompute everything. */
  noCache: z.boolean().optional(),
  /**
   * The folder the document's relative paths resolve against: its file's folder, or the folder of the graph
   * it was opened from (an example). Sent by each window for its own document; absent: the shell's last one.
   */
  baseDir: z.string().min(1).optional(),
  /** The user agreed to write over existing outputs of Save nodes set to "ask" (If the file exists). */
  overwrite: z.boolean().optional(),
});
export type RunOptions = z.infer<typeof runOptionsSchema>;

export const validateOptionsSchema = runOptionsSchema.pick({ baseDir: true });
export type ValidateOptions = z.infer<typeof validateOptionsSchema>;

export const runStartSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('started'), runId: z.string() }),
  /** Validation found errors; nothing ran. */
  z.object({ status: z.literal('invalid'), problems: z.array(problemSchema) }),
  /** One run at a time: this one is still going. */
  z.object({ status: z.literal('busy'), runId: z.string() }),
]);
export type RunStart = z.infer<typeof runStartSchema>;

export const outputFileSchema = z.object({
  nodeId: z.string(),
  kind: z.enum(['model', 'lora', 'report']),
  /** The file written (for sharded models the index; PEFT the directory). */
  path: z.string(),
  bytes: z.number().nonnegative(),
  /** Every file written for this output (shards, adapter_config.json). */
  files: z.array(z.string()),
});
export type OutputFile = z.infer<typeof outputFileSchema>;

export const runOutputsSchema = z.object({ files: z.array(outputFileSchema), reports: z.array(reportSchema) });
export type RunOutputs = z.infer<typeof runOutputsSchema>;

export const activeRunSchema = z.object({ runId: z.string(), startedAt: z.number() }).nullable();
export type ActiveRun = z.infer<typeof activeRunSchema>;

export const stopResultSchema = z.object({ stopped: z.boolean() });
export type StopResult = z.infer<typeof stopResultSchema>;
