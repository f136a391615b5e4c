/**
 * What every command compiled to a graph shares: the run options (--workers, --backend, --no-hash, --json, --quiet,
 * --print-graph), and running the compiled document: problems in the command's words (exit 2 for flags,
 * 1 for data), then the graph through the same runner as `lora-studio run`, results on stdout.
 */
import type { Command } from 'commander';
import { serializeGraph } from '../../shared/graph/codec.js';
import type { GraphDocument } from '../../shared/graph/document.js';
import { hasErrors, type Problem } from '../../shared/graph/problems.js';
import { validateGraph } from '../../shared/graph/validate.js';
import { NODE_REGISTRY } from '../../shared/nodes/catalogue/index.js';
import type { OutputFile } from '../../shared/ipc/runs.js';
import type { Report } from '../../shared/ipc/reports.js';
import { EngineError } from '../engine/errors.js';
import type { RunFinishedEvent } from '../engine/service/engine-service.js';
import { backendOption } from './backend-option.js';
import { UsageError } from './errors.js';
import type { GraphBuilder } from './graph-builder.js';
import { runGraphDocument } from './graph-runner.js';

export interface RunFlags {
  workers?: string;
  hash: boolean;
  json?: boolean;
  quiet?: boolean;
  printGraph?: boolean;
}

/** Options about how the graph runs, not what it computes (they map to no node param). */
export const RUN_OPTION_FLAGS = ['--workers', '--backend', '--no-hash', '--json', '--quiet', '--print-graph'] as const;

export function addRunOptions(command: Command, what = 'the inputs'): Command {
  return command
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .addOption(backendOption())
    .option('--no-hash', `do not hash ${what} for the recipe stored in the output`)
    .option('--json', 'print the result as JSON on stdout')
    .option('-q, --quiet', 'no progress bar')
    .option('--print-graph', 'print the graph this command runs (JSON, for `lora-studio run` and the app) instead of running it');
}

/** Problems of shared validation come from flag values (exit 2); the engine's are about the files (exit 1). */
function fail(builder: GraphBuilder, problems: readonly Problem[], usage: boolean): never {
  const errors = problems.filter((p) => p.severity === 'error');
  const lines = errors.map((p) => builder.describe(p));
  if (usage) throw new UsageError(lines.join('\n'));
  const first = errors[0];
  throw new EngineError(first?.code ?? 'graph-invalid', lines.join('\n') || 'The command cannot run.');
}

export interface CompiledResult {
  readonly event: RunFinishedEvent;
  /** Every file written, in the order the writers report them (shards, then the index). */
  readonly files: string[];
  readonly outputs: readonly OutputFile[];
  readonly reports: readonly Report[];
}

/** --print-graph prints the document; otherwise it is validated and run. Undefined when only printed. */
export async function runCompiled(builder: GraphBuilder, document: GraphDocument, flags: RunFlags): Promise<CompiledResult | undefined> {
  if (flags.printGraph) {
    process.stdout.write(serializeGraph(document));
    return undefined;
  }
  const shared = validateGraph(document, NODE_REGISTRY);
  for (const w of shared.filter((p) => p.severity === 'warning')) process.stderr.write(`warning: ${builder.describe(w)}\n`);
  if (hasErrors(shared)) fail(builder, shared, true);
  const { event, nodeReports } = await runGraphDocument(document, {
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    hash: flags.hash,
    quiet: flags.quiet === true,
    nodeLines: true,
    context: {},
    onInvalid: (problems) => fail(builder, problems, false),
  });
  const outputs = event.outputs.files;
  const reports = [...nodeReports, ...event.outputs.reports.filter((r) => !nodeReports.some((n) => n.nodeId === r.nodeId))];
  return { event, outputs, reports, files: outputs.flatMap((f) => (f.files && f.files.length > 0 ? [...f.files] : [f.path])) };
}

/** The written files one per line, or `json` (with ok and files) on stdout. */
export function printResult(result: CompiledResult, json: boolean | undefined, extra: Record<string, unknown> = {}): void {
  if (json) process.stdout.write(`${JSON.stringify({ ok: true, out: result.outputs[0]?.path, files: result.files, ...extra, reports: result.reports, seconds: result.event.ms / 1000, ...(result.event.gpuRoutes ? { gpuRoutes: result.event.gpuRoutes } : {}) }, null, 2)}\n`);
  else for (const f of result.files) process.stdout.write(`${f}\n`);
}
