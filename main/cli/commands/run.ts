/**
 * `lora-studio run <graph.json>`: validates the graph (shared validation plus the engine's checks: files,
 * mapping, memory; every problem printed with node id and title), runs it through the engine service with
 * progress on stderr, and prints what it wrote (files, reports) on stdout. Relative paths in the graph are
 * read from the graph file's folder. Exit codes (main/cli/errors.ts): 0 ok, 1 invalid graph or a failed node,
 * 2 usage, 130 stopped.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { parseGraph } from '../../../shared/graph/codec.js';
import { GraphFileError } from '../../../shared/graph/errors.js';
import { NODE_REGISTRY } from '../../../shared/nodes/catalogue/index.js';
import { EngineError } from '../../engine/errors.js';
import { runGraphDocument } from '../graph-runner.js';
import { terminalMessage } from '../terminal-text.js';
import { collect } from '../lora-spec.js';
import { applyOverrides, parseSetOption } from './run-set.js';
import { formatProblem, outputsText } from './run-output.js';

interface RunFlags {
  set: string[];
  json?: boolean;
  outDir?: string;
  only?: string;
  workers?: string;
  hash: boolean;
  quiet?: boolean;
  overwrite?: boolean;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('Run a graph file: validate it, run every output node (or --only some), print what was written.')
    .argument('<graph>', 'a LoRA Studio graph (.json); relative file paths in it are read from its folder')
    .option('--set <id.param=value>', 'change a param before running (repeatable), e.g. --set apply-lora-1.strength=0.6', collect, [])
    .option('--out-dir <dir>', 'write every output into this folder (file names kept)')
    .option('--only <ids>', 'run only these nodes (comma-separated) and what they need')
    .option('--workers <n>', 'worker threads (default: number of cores)')
    .option('--overwrite', 'write over existing outputs of Save nodes whose "If the file exists" is ask (the default)')
    .option('--no-hash', 'do not hash the inputs for the recipe stored in outputs')
    .option('--json', 'print the run result (status, files, reports) as JSON on stdout')
    .option('-q, --quiet', 'no progress, only problems and results')
    .action(async (graph: string, flags: RunFlags) => runGraphFile(graph, flags));
}

async function readGraph(file: string): Promise<ReturnType<typeof parseGraph>['document']> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new EngineError('file-not-found', `Cannot read the graph file ${file}: ${(err as Error).message}`, { file, hint: 'Check the path.' });
  }
  try {
    return parseGraph(text, { file }).document;
  } catch (err) {
    if (err instanceof GraphFileError) throw new EngineError(err.code, err.message, { file, ...(err.hint ? { hint: err.hint } : {}) });
    throw err;
  }
}

async function runGraphFile(file: string, flags: RunFlags): Promise<void> {
  const overrides = flags.set.map(parseSetOption);
  const onlyNodes = flags.only ? flags.only.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
  const document = applyOverrides(await readGraph(file), overrides, NODE_REGISTRY);
  const context = { baseDir: path.dirname(path.resolve(file)), ...(flags.outDir ? { outputDir: path.resolve(flags.outDir) } : {}) };
  const { event: finished } = await runGraphDocument(document, {
    ...(flags.workers !== undefined ? { workers: flags.workers } : {}),
    hash: flags.hash,
    quiet: flags.quiet === true,
    context,
    ...(onlyNodes ? { onlyNodes } : {}),
    ...(flags.overwrite ? { overwrite: true } : {}),
    onInvalid: (problems) => {
      for (const p of problems) process.stderr.write(`${terminalMessage(formatProblem(p))}\n`);
      if (flags.json) process.stdout.write(`${JSON.stringify({ status: 'invalid', problems }, null, 2)}\n`);
      const errors = problems.filter((p) => p.severity === 'error').length;
      throw new EngineError('graph-invalid', `${file} cannot run: ${errors} problem${errors === 1 ? '' : 's'}.`, { file, hint: 'Fix the problems listed above (each names its node) and run again.' });
    },
    onFinished: (finished) => {
      if (flags.json) process.stdout.write(`${JSON.stringify({ status: finished.status, ms: finished.ms, outputs: finished.outputs, ...(finished.error ? { error: finished.error } : {}), ...(finished.gpuRoutes ? { gpuRoutes: finished.gpuRoutes } : {}) }, null, 2)}\n`);
      else process.stdout.write(outputsText(finished));
    },
  });
  process.stderr.write(`done in ${(finished.ms / 1000).toFixed(1)}s\n`);
}
