/**
 * Runs a graph document through the engine service, as `lora-studio run` and every command compiled to a graph
 * do: validation first (problems handed to `onInvalid`, which throws), then the run with progress on stderr
 * (the compute line first; under webgpu, where the heavy operations ran, last);
 * Ctrl-C stops it (exit 130, no partial output). Returns the run-finished event of a completed run and the nodes' reports.
 */
import type { GraphDocument } from '../../shared/graph/document.js';
import type { Problem } from '../../shared/graph/problems.js';
import type { Report } from '../../shared/ipc/reports.js';
import { CancelledError, EngineError } from '../engine/errors.js';
import { createEngineService, type GraphContext, type RunFinishedEvent } from '../engine/service/engine-service.js';
import { gpuRouteSummary } from '../../shared/gpu-route-summary.js';
import { abortOnSignals } from './abort.js';
import { UsageError } from './errors.js';
import { createRunLog } from './commands/run-output.js';
import { terminalField } from './terminal-text.js';

export interface GraphRunOptions {
  readonly workers?: string;
  readonly hash: boolean;
  /** No progress bars. */
  readonly quiet: boolean;
  /** Write over existing outputs of Save nodes whose "If the file exists" is ask. */
  readonly overwrite?: boolean;
  /** One line per finished node (default: unless quiet). */
  readonly nodeLines?: boolean;
  readonly context: GraphContext;
  readonly onlyNodes?: readonly string[];
  /** Called with the problems when the graph cannot run; throws the error the command exits with. */
  readonly onInvalid: (problems: readonly Problem[]) => never;
  /** Called with the finished event before a failed or stopped run throws (e.g. to print --json). */
  readonly onFinished?: (event: RunFinishedEvent) => void;
}

export function parseWorkers(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--workers ${text}: a whole number from 1 to 256.`);
  return n;
}

export interface GraphRunResult {
  readonly event: RunFinishedEvent;
  /** Every node's report (mapping reports of Apply LoRA, Resize Rank's table, ...), in the order nodes finished. */
  readonly nodeReports: readonly Report[];
}

export async function runGraphDocument(document: GraphDocument, options: GraphRunOptions): Promise<GraphRunResult> {
  const workers = parseWorkers(options.workers);
  const service = createEngineService({ ...(workers ? { workers } : {}), nodeImplOptions: { hashInputs: options.hash } });
  const controller = abortOnSignals();
  try {
    const nodeReports: Report[] = [];
    service.onEvent(createRunLog(process.stderr, options.quiet, options.nodeLines ?? !options.quiet));
    service.onEvent((e) => {
      if (e.type === 'node-finished' && e.report) nodeReports.push(e.report);
    });
    const start = await service.runGraph(document, { ...(options.onlyNodes ? { onlyNodes: [...options.onlyNodes] } : {}), ...(options.overwrite ? { overwrite: true } : {}) }, options.context);
    if (start.status !== 'started') options.onInvalid(start.status === 'invalid' ? start.problems : []);
    const backend = options.quiet ? undefined : await service.getBackendInfo();
    if (backend) process.stderr.write(`compute: ${backend.active} (${backend.detail})\n`);
    const stop = (): void => void service.stopRun(start.runId);
    controller.signal.addEventListener('abort', stop, { once: true });
    const finished = await service.waitForRun(start.runId);
    const routes = backend && gpuRouteSummary(finished.gpuRoutes, backend.adapter);
    if (routes) process.stderr.write(`${terminalField(routes)}\n`);
    options.onFinished?.(finished);
    if (finished.status === 'cancelled') throw new CancelledError(undefined, finished.outputs.files.map((f) => f.path));
    if (finished.status === 'failed') {
      const e = finished.error;
      throw new EngineError(e?.code ?? 'run-failed', e?.message ?? 'The run failed.', e?.hint ? { hint: e.hint } : {});
    }
    return { event: finished, nodeReports };
  } finally {
    await service.dispose();
  }
}
