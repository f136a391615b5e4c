/**
 * Runs an execution plan: nodes in topological order, each through its node impl, results cached by content
 * hash. Events: run-started, per node node-started / node-progress / node-finished | node-failed |
 * node-cancelled, run-finished with the files written and the reports made. A node whose hash is unchanged
 * is not run again (a sink also needs its files untouched); a node whose results nobody needs this time
 * (everything downstream is cached) is not run either. A failure stops only what depends on the failed node:
 * independent branches still run, and the run finishes `failed` with the first error.
 */
import type { ExecutionPlan, PlanNode } from '../../../shared/graph/plan.js';
import type { EngineEvent, EngineEventOf } from '../../../shared/ipc/events.js';
import type { GpuRoutes } from '../../../shared/ipc/gpu-routes.js';
import type { OutputFile } from '../../../shared/ipc/runs.js';
import type { Report } from '../../../shared/ipc/reports.js';
import type { NodeRegistry } from '../../../shared/nodes/registry.js';
import type { WorkerPool } from '../compute/worker-pool.js';
import { skippedReason } from '../../../shared/graph/node-modes.js';
import { EngineError } from '../errors.js';
import { errorInfo, isCancellation, type ErrorInfo } from './error-info.js';
import { stampFiles } from './file-identity.js';
import { startedFirst } from './started-first.js';
import type { GraphValue } from './graph-values.js';
import type { NodeImplResult, NodeImplRunOptions, UpstreamNode } from './node-impl.js';
import { NodeImplInputs, type NodeImplInput } from './node-impl-inputs.js';
import type { NodeImplRegistry } from './node-impl-registry.js';
import { nodeHash } from './node-hash.js';
import { createNodeProgress } from './node-progress.js';
import type { CachedResult, ResultCache } from './result-cache.js';

export interface MemoryCheck {
  readonly estimatedPeakBytes: number;
  readonly availableBytes: number;
  /** How the estimate was made, for the refusal message. */
  readonly breakdown?: string;
}

export interface ExecuteOptions {
  readonly runId: string;
  readonly registry: NodeRegistry;
  readonly nodeImpls: NodeImplRegistry;
  readonly cache: ResultCache;
  readonly emit: (event: EngineEvent) => void;
  readonly signal: AbortSignal;
  readonly pool: () => Promise<WorkerPool>;
  /** Shown in run-started ("wasm"); the nodes do not wait for it (started-first.ts). */
  readonly backend: string | Promise<string>;
  /** Recompute everything (the cache is still refreshed with the new results). */
  readonly noCache?: boolean;
  /** The run is refused when the estimate exceeds what is available. */
  readonly memory?: MemoryCheck;
  readonly nodeImplOptions?: NodeImplRunOptions;
  /** Where the run's heavy operations ran (webgpu), read when the run finishes; empty: nothing routed. */
  readonly gpuRoutes?: () => GpuRoutes;
}

type RunFinished = EngineEventOf<'run-finished'>;

const formatGiB = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;

export async function executePlan(plan: ExecutionPlan, opts: ExecuteOptions): Promise<RunFinished> {
  const started = Date.now();
  const runStarted = Promise.resolve(opts.backend).then(
    (backend): EngineEvent => ({
      type: 'run-started',
      runId: opts.runId,
      at: started,
      nodes: plan.nodes.map((n) => ({ nodeId: n.id, title: n.title, type: n.type })),
      pruned: [...plan.pruned],
      warnings: [...plan.warnings],
      backend,
      ...(opts.memory ? { memory: { estimatedPeakBytes: opts.memory.estimatedPeakBytes, availableBytes: opts.memory.availableBytes } } : {}),
    }),
  );
  const events = startedFirst(opts.emit, runStarted);
  try {
    return await runPlan(plan, { ...opts, emit: events.emit }, started);
  } finally {
    // Whatever happened, run-started and what was held for it go out before this returns or throws.
    await events.sent;
  }
}

/** The nodes of the run, from the refusal for memory to run-finished (run-started: executePlan). */
async function runPlan(plan: ExecutionPlan, opts: ExecuteOptions, started: number): Promise<RunFinished> {
  const { runId, emit } = opts;
  const at = (): number => Date.now();
  const files: OutputFile[] = [];
  const reports: Report[] = [];
  const finish = (status: RunFinished['status'], error?: RunFinished['error']): RunFinished => {
    const gpuRoutes = opts.gpuRoutes?.() ?? [];
    const event: RunFinished = { type: 'run-finished', runId, at: at(), status, ms: Date.now() - started, outputs: { files, reports }, ...(error ? { error } : {}), ...(gpuRoutes.length > 0 ? { gpuRoutes } : {}) };
    emit(event);
    return event;
  };

  if (opts.memory && opts.memory.estimatedPeakBytes > opts.memory.availableBytes) {
    const m = opts.memory;
    return finish('failed', {
      code: 'insufficient-memory',
      message: `This run needs about ${formatGiB(m.estimatedPeakBytes)} of memory but ${formatGiB(m.availableBytes)} is available${m.breakdown ? ` (${m.breakdown})` : ''}.`,
      hint: 'Close other programs, use fewer workers (LORA_STUDIO_WORKERS=1), or run on a machine with more memory.',
    });
  }

  let hashes: Map<string, string>;
  let work: Map<string, CachedResult | undefined>;
  try {
    hashes = await hashPlan(plan, opts.registry);
    work = await findReusable(plan, hashes, opts);
  } catch (err) {
    if (isCancellation(err, opts.signal)) return finish('cancelled');
    const info = errorInfo(err);
    return finish('failed', info);
  }
  const needed = neededNodes(plan, work);
  const values = new Map<string, Readonly<Record<string, GraphValue>>>();
  const titles = new Map([...plan.nodes.map((n) => [n.id, n.title] as const)]);
  for (const s of plan.skipped ?? []) {
    emit({ type: 'log', runId, at: at(), level: 'info', nodeId: s.nodeId, message: `${s.nodeId}: ${skippedReason(s, (id) => titles.get(id) ?? id)}.` });
  }
  /** Nodes that failed or need one that did: they and their dependents do not run. */
  const blocked = new Set<string>();
  let firstError: RunFinished['error'] | undefined;
  let pendingNeeded = needed.size;

  for (const node of plan.nodes) {
    const blockedBy = Object.values(node.inputs).flat().find((i) => blocked.has(i.node));
    if (blockedBy) {
      blocked.add(node.id);
      emit({ type: 'log', runId, at: at(), level: 'warn', nodeId: node.id, message: `${node.title} (${node.id}) did not run: it needs ${titles.get(blockedBy.node) ?? blockedBy.node}, which failed.` });
      continue;
    }
    const reuse = work.get(node.id);
    // A stop is honoured before work that has not started; one that arrives after the last output was
    // renamed into place leaves nothing to stop, and the run reports what it did: ok, with its files.
    if (opts.signal.aborted && pendingNeeded > 0) return finish('cancelled');
    if (!needed.has(node.id)) {
      emit({ type: 'node-started', runId, at: at(), nodeId: node.id, title: node.title });
      const summary = reuse?.summary ?? (reuse ? undefined : 'not needed: everything downstream is unchanged');
      emit({ type: 'node-finished', runId, at: at(), nodeId: node.id, ms: 0, cached: true, ...(summary ? { summary } : {}), ...(reuse?.report ? { report: reuse.report } : {}) });
      if (reuse) {
        values.set(node.id, reuse.outputs);
        collect(reuse, node, opts.registry, files, reports);
      }
      continue;
    }
    const nodeStarted = Date.now();
    emit({ type: 'node-started', runId, at: at(), nodeId: node.id, title: node.title });
    try {
      const result = await runNode(node, values, opts, plan);
      const entry: CachedResult = {
        hash: hashes.get(node.id)!,
        outputs: result.outputs ?? {},
        ...(result.summary ? { summary: result.summary } : {}),
        ...(result.report ? { report: result.report } : {}),
        ...(result.files ? { files: result.files, stamps: await stampFiles(result.files.flatMap((f) => f.files)) } : {}),
        ...(result.dispose ? { dispose: result.dispose } : {}),
      };
      await opts.cache.store(node.id, entry);
      pendingNeeded--;
      values.set(node.id, entry.outputs);
      collect(entry, node, opts.registry, files, reports);
      emit({
        type: 'node-finished',
        runId,
        at: at(),
        nodeId: node.id,
        ms: Date.now() - nodeStarted,
        cached: false,
        ...(result.summary ? { summary: result.summary } : {}),
        ...(result.report ? { report: result.report } : {}),
      });
    } catch (err) {
      if (isCancellation(err, opts.signal)) {
        emit({ type: 'node-cancelled', runId, at: at(), nodeId: node.id });
        return finish('cancelled');
      }
      const info = errorInfo(err);
      emit({ type: 'node-failed', runId, at: at(), nodeId: node.id, title: node.title, ...info });
      const named = info.message.startsWith(node.title) ? info.message.replace(node.title, `${node.title} (${node.id})`) : `${node.title} (${node.id}): ${info.message}`;
      blocked.add(node.id);
      firstError ??= { code: info.code, message: named, ...(info.hint ? { hint: info.hint } : {}), nodeId: node.id };
    }
  }
  return firstError ? finish('failed', firstError) : finish('ok');
}

/** Files written, and the reports of targets (Inspect, Probe) and of nodes with a report output (Resize, Extract). */
function collect(result: Pick<CachedResult, 'files' | 'report'>, node: PlanNode, registry: NodeRegistry, files: OutputFile[], reports: Report[]): void {
  if (result.files) files.push(...result.files);
  const reportsOut = node.isTarget || (registry.get(node.type)?.outputs.some((o) => o.type === 'report') ?? false);
  if (result.report && reportsOut && !reports.some((r) => r.nodeId === node.id)) reports.push(result.report);
}

async function hashPlan(plan: ExecutionPlan, registry: NodeRegistry): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const node of plan.nodes) {
    const def = registry.get(node.type);
    if (!def) throw new EngineError('internal', `${node.title} (${node.id}): no definition for node type ${node.type}.`);
    hashes.set(node.id, await nodeHash(node, def, hashes));
  }
  return hashes;
}

/** The cached result each node can reuse (targets: only if their written files are untouched). */
async function findReusable(plan: ExecutionPlan, hashes: ReadonlyMap<string, string>, opts: ExecuteOptions): Promise<Map<string, CachedResult | undefined>> {
  const reuse = new Map<string, CachedResult | undefined>();
  for (const node of plan.nodes) {
    const hash = hashes.get(node.id)!;
    reuse.set(node.id, opts.noCache ? undefined : await opts.cache.lookup(node.id, hash));
  }
  return reuse;
}

/**
 * The ids reachable from `starts` through inputs (the starts included), not walking past a node `stop`
 * accepts. Iterative: a chain of ten thousand nodes must not exhaust the call stack.
 */
function upstreamIds(plan: ExecutionPlan, starts: Iterable<string>, stop: (id: string) => boolean = () => false): Set<string> {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const seen = new Set<string>();
  const pending = [...starts];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (seen.has(id) || stop(id)) continue;
    seen.add(id);
    for (const list of Object.values(byId.get(id)?.inputs ?? {})) for (const i of list) pending.push(i.node);
  }
  return seen;
}

/** Nodes that must run: targets without a reusable result, and every input of a node that runs that has none. */
function neededNodes(plan: ExecutionPlan, reuse: ReadonlyMap<string, CachedResult | undefined>): Set<string> {
  return upstreamIds(plan, plan.nodes.filter((n) => n.isTarget).map((n) => n.id), (id) => reuse.get(id) !== undefined);
}

async function runNode(node: PlanNode, values: ReadonlyMap<string, Readonly<Record<string, GraphValue>>>, opts: ExecuteOptions, plan: ExecutionPlan): Promise<NodeImplResult> {
  const impl = opts.nodeImpls.get(node.type);
  if (!impl) throw new EngineError('no-kernel', `${node.title} (${node.id}): this engine cannot run ${node.type} nodes.`, { node: node.id, hint: 'Update LoRA Studio.' });
  const inputs: Record<string, NodeImplInput[]> = {};
  for (const [port, list] of Object.entries(node.inputs)) {
    inputs[port] = list.map((i) => {
      const value = values.get(i.node)?.[i.port];
      if (!value) throw new EngineError('internal', `${node.title} (${node.id}): input ${port} from ${i.node}.${i.port} has no value.`, { node: node.id });
      return { value, params: i.params, from: { node: i.node, port: i.port } };
    });
  }
  const progress = createNodeProgress((p) => opts.emit({ type: 'node-progress', runId: opts.runId, at: Date.now(), nodeId: node.id, ...p }));
  const log = (line: string): void => opts.emit({ type: 'log', runId: opts.runId, at: Date.now(), level: /^warning\b/i.test(line) ? 'warn' : 'info', message: line, nodeId: node.id });
  return impl.run({
    node,
    definition: impl.definition,
    params: node.params as never,
    inputs: new NodeImplInputs(`${node.title} (${node.id})`, inputs),
    run: { signal: opts.signal, onProgress: progress, log },
    pool: opts.pool,
    options: opts.nodeImplOptions ?? {},
    upstream: () => upstreamRecipe(plan, node),
  });
}

/** The nodes that feed `target` (itself included), in run order, as a sink records them in its recipe. */
function upstreamRecipe(plan: ExecutionPlan, target: PlanNode): UpstreamNode[] {
  const needed = upstreamIds(plan, [target.id]);
  return plan.nodes
    .filter((n) => needed.has(n.id))
    .map((n) => ({
      id: n.id,
      type: n.type,
      params: n.params,
      inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, l]) => l.length > 0).map(([port, l]) => [port, l.map((i) => ({ from: `${i.node}.${i.port}`, ...(i.params && Object.keys(i.params).length > 0 ? { params: i.params } : {}) }))])),
    }));
}

export type { ErrorInfo };
