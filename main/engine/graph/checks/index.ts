/**
 * The engine's checks before a run, appended to shared validation (same Problem type): files exist and are
 * readable as what their node says, no output overwrites an input, LoRAs match the models they are applied
 * to, and the run fits in memory.
 */
import { analyzeGraph, type AnalyzeOptions } from '../../../../shared/graph/analyze.js';
import type { GraphDocument } from '../../../../shared/graph/document.js';
import type { Problem } from '../../../../shared/graph/problems.js';
import type { NodeRegistry } from '../../../../shared/nodes/registry.js';
import type { MemoryCheck } from '../executor.js';
import type { PathOptions } from '../plan-paths.js';
import type { CheckContext } from './check-context.js';
import { checkFiles } from './file-checks.js';
import { checkLoads } from './load-checks.js';
import { checkMappings } from './mapping-checks.js';
import { checkMemory, memoryProblem } from './memory-checks.js';
import { OpenedInputs } from './opened-inputs.js';

export interface EngineCheckOptions extends AnalyzeOptions {
  readonly paths: PathOptions;
  readonly workers: number;
  readonly availableMemoryBytes: number;
  readonly windowBytes?: number;
}

export interface EngineCheckResult {
  readonly problems: Problem[];
  readonly memory: MemoryCheck;
}

export async function engineChecks(doc: GraphDocument, registry: NodeRegistry, opts: EngineCheckOptions): Promise<EngineCheckResult> {
  const analysis = analyzeGraph(doc, registry, opts.onlyNodes ? { onlyNodes: opts.onlyNodes } : {});
  // The document as it runs: bypassed / muted nodes out, edges re-attached through bypassed ones.
  const ctx: CheckContext = { doc: analysis.effective, registry, analysis, paths: opts.paths };
  const opened = new OpenedInputs();
  try {
    const problems = [...checkFiles(ctx), ...(await checkLoads(ctx, opened)), ...(await checkMappings(ctx, opened))];
    const memory = await checkMemory(ctx, opened, opts.workers, opts.availableMemoryBytes, opts.windowBytes);
    const tooBig = memoryProblem(memory);
    if (tooBig) problems.push(tooBig);
    return { problems, memory };
  } finally {
    await opened.close();
  }
}
