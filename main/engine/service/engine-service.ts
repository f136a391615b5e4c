/**
 * The engine side of the PlatformApi (shared/ipc): what a shell (Electron's engine host, `lora-studio serve`,
 * the CLI) calls for inspect / validate / run / stop / backend info, and the engine events it forwards to its
 * subscribers. Shell-only methods (dialogs, recent files, autosave, graph files) are the shells' own.
 *
 * One run at a time. Runs are validated first (shared validation + engine checks: files, mapping, memory);
 * results are cached across runs by content hash, so re-running after one param change recomputes only what
 * depends on it. Stop aborts cooperatively; if the run has not ended after `stopGraceMs`, the worker pool is
 * killed (hard stop) and a fresh one starts with the next run.
 */
import { randomUUID } from 'node:crypto';
import { validateGraph as sharedValidateGraph } from '../../../shared/graph/validate.js';
import { documentToPlan } from '../../../shared/graph/plan.js';
import type { GraphDocument } from '../../../shared/graph/document.js';
import { hasErrors, PROBLEM_CODES, type Problem } from '../../../shared/graph/problems.js';
import type { EngineEvent, EngineEventOf } from '../../../shared/ipc/events.js';
import type { InspectionResult, InspectRequest } from '../../../shared/ipc/inspection.js';
import type { ActiveRun, RunOptions, RunStart, StopResult } from '../../../shared/ipc/runs.js';
import type { BackendInfo } from '../../../shared/ipc/system.js';
import { NODE_REGISTRY } from '../../../shared/nodes/catalogue/index.js';
import type { NodeRegistry } from '../../../shared/nodes/registry.js';
import { createWorkerPool, defaultPoolSize, type WorkerPool } from '../compute/worker-pool.js';
import { mergeRoutes, takeRouteLog } from '../compute/route-log.js';
import { engineChecks } from '../graph/checks/index.js';
import { executePlan } from '../graph/executor.js';
import type { NodeImplRunOptions } from '../graph/node-impl.js';
import type { NodeImplRegistry } from '../graph/node-impl-registry.js';
import { createNodeImplRegistry } from '../graph/node-impls/index.js';
import { availableMemory } from '../graph/memory-estimate.js';
import { resolvePlanPaths, type PathOptions } from '../graph/plan-paths.js';
import { ResultCache } from '../graph/result-cache.js';
import { inspectFile } from '../ops/inspect-file.js';
import type { RunContext } from '../run-context.js';
import { describeBackend } from './backend-info.js';
import { EventHub, type EngineEventListener } from './event-hub.js';

/** Where a document's relative file params point, and where its outputs go: the shell knows the graph file. */
export type GraphContext = PathOptions;

export type RunFinishedEvent = EngineEventOf<'run-finished'>;

export interface EngineService {
  /** Format, dialect, architecture, ranks, metadata, hashes; mapping onto `base` when given. */
  inspectFile(request: InspectRequest): Promise<InspectionResult>;
  /** Shared validation plus the engine's checks (files exist, LoRAs match their models, memory). */
  validateGraph(document: GraphDocument, context?: GraphContext): Promise<Problem[]>;
  /** Validates and starts a run; progress arrives as engine events carrying the returned runId. */
  runGraph(document: GraphDocument, options?: RunOptions, context?: GraphContext): Promise<RunStart>;
  /** Cooperative stop, then a hard kill of the worker pool if the run has not ended in time. */
  stopRun(runId: string): Promise<StopResult>;
  getActiveRun(): Promise<ActiveRun>;
  /** The active compute backend (the workers'), why the others were skipped, cores and memory. */
  getBackendInfo(): Promise<BackendInfo>;
  /** Every engine event (run events and log lines); returns the unsubscribe function. */
  onEvent(listener: EngineEventListener): () => void;
  /** Resolves with the run's run-finished event (immediately if it has already ended and was the last run). */
  waitForRun(runId: string): Promise<RunFinishedEvent>;
  /** Stops any run, closes cached files, stops the workers the service started. */
  dispose(): Promise<void>;
}

export interface EngineServiceOptions {
  /** A pool to use (the service neither terminates nor replaces it); default: its own, started on first use. */
  readonly pool?: WorkerPool;
  /** Size of the pool the service starts (default: env LORA_STUDIO_WORKERS, else the number of cores). */
  readonly workers?: number;
  readonly registry?: NodeRegistry;
  readonly nodeImpls?: NodeImplRegistry;
  /** Bytes a run may use (default: env LORA_STUDIO_MEMORY_LIMIT, else free memory). */
  readonly availableMemoryBytes?: () => number;
  /** How long Stop waits for a cooperative stop before killing the workers (default 3000 ms). */
  readonly stopGraceMs?: number;
  /** Default: hash inputs; env LORA_STUDIO_DEBUG_DELAY_MS slows streaming exports down (tests of progress and Stop). */
  readonly nodeImplOptions?: NodeImplRunOptions;
  readonly inspect?: (request: InspectRequest, ctx: RunContext) => Promise<InspectionResult>;
}

interface ActiveRunState {
  runId: string;
  startedAt: number;
  controller: AbortController;
  done: Promise<RunFinishedEvent>;
  hardKill?: NodeJS.Timeout;
}

export function createEngineService(options: EngineServiceOptions = {}): EngineService {
  const registry = options.registry ?? NODE_REGISTRY;
  const nodeImpls = options.nodeImpls ?? createNodeImplRegistry();
  const hub = new EventHub();
  const cache = new ResultCache();
  const ownsPool = options.pool === undefined;
  const poolSize = options.pool?.size ?? options.workers ?? defaultPoolSize();
  const memoryAvailable = options.availableMemoryBytes ?? (() => availableMemory());
  const stopGraceMs = options.stopGraceMs ?? 3000;
  const nodeImplOptions: NodeImplRunOptions = { ...debugDelayFromEnv(), ...options.nodeImplOptions };
  let pool: WorkerPool | undefined = options.pool;
  let active: ActiveRunState | undefined;
  let reserved = false;
  let last: { runId: string; event: RunFinishedEvent } | undefined;
  let disposed = false;

  const getPool = async (): Promise<WorkerPool> => {
    if (disposed) throw new Error('The engine service was disposed.');
    pool ??= createWorkerPool({ size: poolSize });
    return pool;
  };

  const check = async (document: GraphDocument, context: GraphContext, onlyNodes?: readonly string[]): Promise<{ problems: Problem[]; memory: Awaited<ReturnType<typeof engineChecks>>['memory'] }> => {
    const shared = sharedValidateGraph(document, registry, onlyNodes ? { onlyNodes } : {});
    const engine = await engineChecks(document, registry, {
      ...(onlyNodes ? { onlyNodes } : {}),
      paths: context,
      workers: poolSize,
      availableMemoryBytes: memoryAvailable(),
      ...(nodeImplOptions.windowBytes ? { windowBytes: nodeImplOptions.windowBytes } : {}),
    });
    return { problems: [...shared, ...engine.problems], memory: engine.memory };
  };

  const startRun = (document: GraphDocument, runOptions: RunOptions, context: GraphContext, memory: Awaited<ReturnType<typeof check>>['memory']): ActiveRunState => {
    const runId = randomUUID();
    const controller = new AbortController();
    const plan = resolvePlanPaths(documentToPlan(document, registry, runOptions.onlyNodes ? { onlyNodes: runOptions.onlyNodes } : {}), registry, context);
    const state: ActiveRunState = { runId, startedAt: Date.now(), controller, done: Promise.resolve(undefined as never) };
    state.done = (async (): Promise<RunFinishedEvent> => {
      try {
        // Let runGraph's caller have the runId before the first event.
        await new Promise((r) => setImmediate(r));
        await cache.retainOnly(new Set(document.nodes.map((n) => n.id)));
        const runPool = await getPool();
        // Not awaited: the nodes start while the workers do (executor's run-started waits for it).
        const backend = backendName(runPool);
        // The route logs from here on are this run's (a task stopped in an earlier run may still add to the pool's).
        runPool.takeRoutes();
        takeRouteLog();
        const event = await executePlan(plan, {
          runId,
          registry,
          nodeImpls,
          cache,
          emit: (e: EngineEvent) => hub.emit(e),
          signal: controller.signal,
          pool: getPool,
          backend,
          noCache: runOptions.noCache === true,
          memory,
          gpuRoutes: () => mergeRoutes(takeRouteLog(), pool?.takeRoutes() ?? []),
          nodeImplOptions: runOptions.overwrite === true ? { ...nodeImplOptions, overwriteConfirmed: true } : nodeImplOptions,
        });
        last = { runId, event };
        return event;
      } catch (err) {
        // executePlan reports node failures itself; this is a failure of the machinery around it.
        const message = err instanceof Error ? err.message : String(err);
        const event: RunFinishedEvent = { type: 'run-finished', runId, at: Date.now(), status: 'failed', ms: Date.now() - state.startedAt, outputs: { files: [], reports: [] }, error: { code: 'internal', message } };
        hub.emit(event);
        last = { runId, event };
        return event;
      } finally {
        clearTimeout(state.hardKill);
        if (active === state) active = undefined;
      }
    })();
    return state;
  };

  const service: EngineService = {
    async inspectFile(request) {
      const inspect = options.inspect ?? inspectFile;
      return inspect(request, { log: (line) => hub.emit({ type: 'log', runId: null, at: Date.now(), level: 'info', message: line }) });
    },

    async validateGraph(document, context = {}) {
      return (await check(document, context)).problems;
    },

    async runGraph(document, runOptions = {}, context = {}) {
      if (active) return { status: 'busy', runId: active.runId };
      if (reserved) return { status: 'busy', runId: 'starting' };
      reserved = true;
      // The workers start (about 0.4 s: modules, WebAssembly, adapter) while the graph is checked.
      getPool()
        .then((p) => p.ready())
        .catch(() => undefined);
      try {
        const { problems, memory } = await check(document, context, runOptions.onlyNodes);
        // Memory is refused by the run itself (run-finished carries the numbers); everything else blocks here.
        const blocking = problems.filter((p) => p.code !== PROBLEM_CODES.insufficientMemory);
        if (hasErrors(blocking)) return { status: 'invalid', problems };
        active = startRun(document, runOptions, context, memory);
        return { status: 'started', runId: active.runId };
      } finally {
        reserved = false;
      }
    },

    async stopRun(runId) {
      const run = active;
      if (!run || run.runId !== runId) return { stopped: false };
      run.controller.abort();
      if (ownsPool && !run.hardKill) {
        run.hardKill = setTimeout(() => {
          if (active !== run || !pool) return;
          const killed = pool;
          pool = undefined;
          hub.emit({ type: 'log', runId, at: Date.now(), level: 'warn', message: `The run did not stop within ${stopGraceMs} ms: the engine workers were killed.` });
          void killed.terminate();
        }, stopGraceMs);
        run.hardKill.unref();
      }
      return { stopped: true };
    },

    async getActiveRun() {
      return active ? { runId: active.runId, startedAt: active.startedAt } : null;
    },

    async getBackendInfo() {
      const p = await getPool();
      const infos = await p.ready();
      return describeBackend(infos[0]!.backend, infos.length);
    },

    onEvent(listener) {
      return hub.subscribe(listener);
    },

    async waitForRun(runId) {
      if (active?.runId === runId) return active.done;
      if (last?.runId === runId) return last.event;
      throw new Error(`No run ${runId} is known to this engine.`);
    },

    async dispose() {
      if (disposed) return;
      const run = active;
      if (run) {
        run.controller.abort();
        await Promise.race([run.done.catch(() => undefined), new Promise((r) => setTimeout(r, stopGraceMs).unref())]);
      }
      disposed = true;
      await cache.clear();
      if (ownsPool && pool) await pool.terminate();
      pool = undefined;
      hub.clear();
    },
  };
  return service;
}

function debugDelayFromEnv(): NodeImplRunOptions {
  const v = Number(process.env.LORA_STUDIO_DEBUG_DELAY_MS);
  return Number.isFinite(v) && v > 0 ? { debugDelayMs: v } : {};
}

async function backendName(pool: WorkerPool): Promise<string> {
  try {
    const infos = await pool.ready();
    return infos[0]?.backend.name ?? 'unknown';
  } catch {
    return 'unavailable';
  }
}

