/**
 * A pool of worker_threads, each with its own single-threaded tfjs backend, running named tasks
 * (workers/worker-tasks.ts). Tasks queue FIFO; buffers can be transferred both ways; errors keep their EngineError
 * fields; an AbortSignal cancels a task (queued: dropped; running: the handler's signal is aborted and, if it
 * does not stop within a grace period, its worker is replaced). Idle workers do not keep the process alive.
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { CancelledError, EngineError } from '../errors.js';
import type { GpuRoutes } from '../../../shared/ipc/gpu-routes.js';
import type { BackendInfo, BackendPreference } from './backend.js';
import { mergeRoutes } from './route-log.js';
import { deserializeError } from './worker-errors.js';
import type { EngineWorkerData, FromWorker, ToWorker } from './worker-protocol.js';
import { resolveWorkerScript } from './worker-script.js';
import type { TaskHandler } from './task.js';

/**
 * The tasks a worker can run, by name: filled in by the registry above ops (workers/worker-tasks.ts augments this
 * interface), so that compute/ types `run` without importing the operations.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WorkerTaskMap {}

export type TaskName = keyof WorkerTaskMap & string;
export type TaskPayload<N extends TaskName> = WorkerTaskMap[N] extends TaskHandler<infer P, unknown> ? P : never;
export type TaskResult<N extends TaskName> = WorkerTaskMap[N] extends TaskHandler<never, infer R> ? R : never;

export interface WorkerPoolOptions {
  /** Number of workers (default: env LORA_STUDIO_WORKERS, else os.availableParallelism()). */
  size?: number;
  /** submit() waits while this many tasks are queued (default: the pool size). */
  maxQueue?: number;
  /** Path of engine-worker.js (default: resolveWorkerScript()). */
  script?: string;
  backend?: BackendPreference;
  wasmDir?: string;
  /** How long a cancelled running task may take to stop before its worker is replaced (default 2000 ms). */
  cancelGraceMs?: number;
  /**
   * Map the workers' stacks to the TypeScript sources (dist has linked maps). Default: when LORA_STUDIO_DEBUG is
   * set (the CLI prints stacks then) or the process itself runs with --enable-source-maps. Off otherwise:
   * loading the maps costs each worker ~75 ms of CPU at every start.
   */
  sourceMaps?: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Buffers in the payload to move to the worker instead of copying (they become unusable here). */
  transfer?: ArrayBuffer[];
}

export interface WorkerInfo {
  threadId: number;
  backend: BackendInfo;
}

export interface PoolStats {
  size: number;
  ready: number;
  queued: number;
  running: number;
}

interface Task {
  id: number;
  name: string;
  payload: unknown;
  transfer: ArrayBuffer[];
  signal?: AbortSignal;
  onAbort?: () => void;
  resolve(value: unknown): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  state: 'starting' | 'idle' | 'busy' | 'dead';
  info?: WorkerInfo;
  task?: Task;
  /** The running task was cancelled: its caller has been answered, the worker is still finishing it. */
  orphaned: boolean;
  killTimer?: NodeJS.Timeout;
  lastError?: Error;
}

export function defaultPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.LORA_STUDIO_WORKERS;
  if (raw === undefined || raw === '') return os.availableParallelism();
  return checkSize(Number(raw), 'LORA_STUDIO_WORKERS');
}

function checkSize(n: number, source: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) {
    throw new EngineError('bad-worker-count', `${source} = ${n} is not a worker or queue count.`, { hint: 'Use a whole number from 1 to 256.' });
  }
  return n;
}

export class WorkerPool {
  readonly size: number;
  readonly script: string;
  private readonly maxQueue: number;
  private readonly cancelGraceMs: number;
  private readonly workerData: EngineWorkerData;
  private readonly execArgv: string[];
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private readonly spaceWaiters: Array<() => void> = [];
  private readonly readyWaiters: Array<() => void> = [];
  private readonly closeWaiters: Array<() => void> = [];
  private nextId = 1;
  private closing = false;
  private terminated = false;
  private startError: Error | undefined;
  private routes: GpuRoutes = [];

  constructor(opts: WorkerPoolOptions = {}) {
    this.size = opts.size === undefined ? defaultPoolSize() : checkSize(opts.size, 'size');
    this.maxQueue = opts.maxQueue === undefined ? this.size : checkSize(opts.maxQueue, 'maxQueue');
    this.cancelGraceMs = opts.cancelGraceMs ?? 2000;
    this.script = resolveWorkerScript(opts.script);
    this.workerData = { backend: opts.backend, wasmDir: opts.wasmDir };
    this.execArgv = [...process.execArgv, ...((opts.sourceMaps ?? Boolean(process.env.LORA_STUDIO_DEBUG)) ? ['--enable-source-maps'] : [])];
    for (let i = 0; i < this.size; i++) this.spawn();
  }

  /** Runs a task; resolves with its result. Queues without bound: producers that must not run ahead use submit(). */
  run<N extends TaskName>(name: N, payload: TaskPayload<N>, opts: RunOptions = {}): Promise<TaskResult<N>> {
    return new Promise<TaskResult<N>>((resolve, reject) => {
      if (this.closing || this.terminated) return reject(new EngineError('pool-closed', 'The engine worker pool is shut down.'));
      if (this.startError && !this.slots.some((s) => s.state !== 'dead')) return reject(this.startError);
      if (opts.signal?.aborted) return reject(new CancelledError());
      const task: Task = { id: this.nextId++, name, payload, transfer: opts.transfer ?? [], signal: opts.signal, resolve: resolve as (v: unknown) => void, reject };
      if (opts.signal) {
        // One listener per task in flight, each removed when the task settles: many on one run's signal is normal.
        if (getMaxListeners(opts.signal) < 256) setMaxListeners(256, opts.signal);
        task.onAbort = () => this.cancel(task);
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      this.queue.push(task);
      this.pump();
    });
  }

  /**
   * Backpressure: waits until the queue has room (fewer than maxQueue tasks waiting), then enqueues and
   * hands back the result promise. `for (…) { const t = await pool.submit(…); results.push(t.result); }`
   * keeps at most size + maxQueue tasks (and their buffers) in flight.
   */
  async submit<N extends TaskName>(name: N, payload: TaskPayload<N>, opts: RunOptions = {}): Promise<{ result: Promise<TaskResult<N>> }> {
    while (this.queue.length >= this.maxQueue && !this.closing && !this.terminated) await this.waitForSpace(opts.signal);
    return { result: this.run(name, payload, opts) };
  }

  /** Resolves when every worker has started (with what each runs on); rejects if none could. */
  async ready(): Promise<WorkerInfo[]> {
    while (this.slots.some((s) => s.state === 'starting')) {
      const started = new Promise<void>((r) => this.readyWaiters.push(r));
      this.updateRefs();
      await started;
    }
    this.updateRefs();
    const infos = this.slots.flatMap((s) => (s.info && s.state !== 'dead' ? [s.info] : []));
    if (infos.length === 0) throw this.startError ?? new EngineError('pool-closed', 'The engine worker pool is shut down.');
    return infos;
  }

  stats(): PoolStats {
    return {
      size: this.size,
      ready: this.slots.filter((s) => s.state === 'idle' || s.state === 'busy').length,
      queued: this.queue.length,
      running: this.slots.filter((s) => s.state === 'busy' && !s.orphaned).length,
    };
  }

  /** What the workers' tasks counted in their route logs since the last take (route-log.ts), then reset. */
  takeRoutes(): GpuRoutes {
    const routes = this.routes;
    this.routes = [];
    return routes;
  }

  /** Finishes the queued and running tasks, then stops the workers. New tasks are refused. */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeSpaceWaiters();
    while (this.queue.length > 0 || this.slots.some((s) => s.state === 'busy' && !s.orphaned)) {
      await new Promise<void>((r) => this.closeWaiters.push(r));
    }
    await this.terminate();
  }

  /** Stops now: kills the workers; queued and running tasks reject with CancelledError. */
  async terminate(): Promise<void> {
    this.terminated = true;
    const stopped = new CancelledError('The engine worker pool was shut down.');
    for (const task of this.queue.splice(0)) this.settle(task, stopped);
    const exits: Promise<number>[] = [];
    for (const slot of this.slots) {
      if (slot.task && !slot.orphaned) this.settle(slot.task, stopped);
      clearTimeout(slot.killTimer);
      if (slot.state !== 'dead') exits.push(slot.worker.terminate());
      slot.state = 'dead';
    }
    this.wakeSpaceWaiters();
    this.wake(this.readyWaiters);
    this.wake(this.closeWaiters);
    await Promise.all(exits);
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { workerData: this.workerData, name: 'lora-studio-engine', execArgv: this.execArgv });
    const slot: Slot = { worker, state: 'starting', orphaned: false };
    this.slots.push(slot);
    worker.on('message', (msg: FromWorker) => this.onMessage(slot, msg));
    worker.on('error', (err) => {
      slot.lastError = err;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    worker.unref();
    return slot;
  }

  private onMessage(slot: Slot, msg: FromWorker): void {
    switch (msg.type) {
      case 'ready':
        slot.state = 'idle';
        slot.info = { threadId: msg.threadId, backend: msg.backend };
        this.wake(this.readyWaiters);
        break;
      case 'init-failed':
        slot.lastError = deserializeError(msg.error);
        void slot.worker.terminate();
        return;
      case 'result':
      case 'error': {
        if (msg.routes) this.routes = mergeRoutes(this.routes, msg.routes);
        const task = slot.task;
        if (!task || task.id !== msg.id) return;
        clearTimeout(slot.killTimer);
        slot.task = undefined;
        slot.state = 'idle';
        const wasOrphaned = slot.orphaned;
        slot.orphaned = false;
        if (!wasOrphaned) {
          if (msg.type === 'result') this.settle(task, undefined, msg.result);
          else this.settle(task, deserializeError(msg.error));
        }
        break;
      }
    }
    this.pump();
  }

  private onExit(slot: Slot, code: number): void {
    const wasStarting = slot.state === 'starting';
    const task = slot.orphaned ? undefined : slot.task;
    const retired = slot.state === 'dead';
    slot.state = 'dead';
    slot.task = undefined;
    clearTimeout(slot.killTimer);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    if (this.terminated) return;
    if (task) {
      const why = slot.lastError ? `: ${slot.lastError.message}` : ` (exit code ${code})`;
      this.settle(task, new EngineError('worker-crashed', `An engine worker stopped while running "${task.name}"${why}.`, {
        hint: 'This is a bug or the machine ran out of memory; try fewer workers (LORA_STUDIO_WORKERS=1) and report it.',
      }));
    }
    if (wasStarting) {
      const cause = slot.lastError ?? new Error(`exit code ${code}`);
      this.startError = new EngineError('worker-start-failed', `An engine worker could not start: ${cause.message}`, {
        file: this.script,
        hint: 'Rebuild with `npm run build`; set LORA_STUDIO_BACKEND=cpu if the compute backend is the problem.',
        cause,
      });
    } else if (retired || task || !this.closing) {
      this.spawn();
    }
    if (!this.slots.some((s) => s.state !== 'dead')) this.failQueue();
    this.wake(this.readyWaiters);
    this.pump();
  }

  private failQueue(): void {
    const err = this.startError ?? new EngineError('worker-start-failed', 'No engine worker is running.');
    for (const task of this.queue.splice(0)) this.settle(task, err);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.state === 'idle');
      if (!slot) break;
      this.start(slot, this.queue.shift()!);
    }
    this.wakeSpaceWaiters();
    this.updateRefs();
    if (this.queue.length === 0 && !this.slots.some((s) => s.state === 'busy' && !s.orphaned)) this.wake(this.closeWaiters);
  }

  private start(slot: Slot, task: Task): void {
    slot.state = 'busy';
    slot.task = task;
    slot.orphaned = false;
    const msg: ToWorker = { type: 'task', id: task.id, name: task.name, payload: task.payload };
    try {
      slot.worker.postMessage(msg, task.transfer);
    } catch (err) {
      slot.state = 'idle';
      slot.task = undefined;
      this.settle(task, new EngineError('bad-task-payload', `Task "${task.name}" could not be sent to a worker: ${(err as Error).message}`, {
        hint: 'Payloads hold plain data, typed arrays and ArrayBuffers (each transferred buffer listed once).',
      }));
    }
  }

  private cancel(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(task, new CancelledError());
      this.pump();
      return;
    }
    const slot = this.slots.find((s) => s.task === task && !s.orphaned);
    if (!slot) return;
    this.settle(task, new CancelledError());
    slot.orphaned = true;
    slot.worker.postMessage({ type: 'cancel', id: task.id } satisfies ToWorker);
    slot.killTimer = setTimeout(() => this.retire(slot, task), this.cancelGraceMs);
    slot.killTimer.unref();
    this.pump();
  }

  /** A cancelled task that would not stop: replace its worker. */
  private retire(slot: Slot, task: Task): void {
    if (slot.task !== task || slot.state === 'dead') return;
    slot.state = 'dead';
    void slot.worker.terminate();
  }

  private settle(task: Task, err: Error | undefined, result?: unknown): void {
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    if (err) task.reject(err);
    else task.resolve(result);
  }

  private waitForSpace(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError());
      const onAbort = (): void => {
        const i = this.spaceWaiters.indexOf(wake);
        if (i >= 0) this.spaceWaiters.splice(i, 1);
        reject(new CancelledError());
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.spaceWaiters.push(wake);
    });
  }

  private wakeSpaceWaiters(): void {
    const room = this.closing || this.terminated ? this.spaceWaiters.length : this.maxQueue - this.queue.length;
    for (let i = 0; i < room && this.spaceWaiters.length > 0; i++) this.spaceWaiters.shift()!();
  }

  private wake(waiters: Array<() => void>): void {
    for (const w of waiters.splice(0)) w();
  }

  /** Workers keep the process alive only while there is work for them. */
  private updateRefs(): void {
    const busy = this.queue.length > 0 || this.readyWaiters.length > 0 || this.slots.some((s) => s.state === 'busy' && !s.orphaned);
    for (const slot of this.slots) {
      if (slot.state === 'dead') continue;
      if (busy) slot.worker.ref();
      else slot.worker.unref();
    }
  }
}

export function createWorkerPool(opts: WorkerPoolOptions = {}): WorkerPool {
  return new WorkerPool(opts);
}
