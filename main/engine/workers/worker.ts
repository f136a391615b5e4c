/**
 * Entry of an engine worker thread (bundled to dist/engine-worker.js). It initialises its own
 * single-threaded tfjs backend, then runs the tasks the pool sends, one at a time.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import type { GpuRoutes } from '../../../shared/ipc/gpu-routes.js';
import { CancelledError, EngineError } from '../errors.js';
import { initBackend, type BackendInfo } from '../compute/backend.js';
import { backendMatMul } from '../compute/backend-matmul.js';
import { takeRouteLog } from '../compute/route-log.js';
import { serializeError } from '../compute/worker-errors.js';
import type { EngineWorkerData, FromWorker, ToWorker } from '../compute/worker-protocol.js';
import { findTask } from './worker-tasks.js';

const port = parentPort;
if (!port) throw new Error('engine-worker.js runs inside the worker pool, not as a program.');
const data = (workerData ?? {}) as EngineWorkerData;
const running = new Map<number, AbortController>();

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

/** What the task just run counted in this thread's route log (tasks run one at a time per worker). */
function taskRoutes(): { routes?: GpuRoutes } {
  const routes = takeRouteLog();
  return routes.length > 0 ? { routes } : {};
}

async function runTask(backend: BackendInfo, id: number, name: string, payload: unknown): Promise<void> {
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const handler = findTask(name);
    if (!handler) throw new EngineError('unknown-task', `The engine worker has no task named "${name}".`, { hint: 'Register it in main/engine/workers/worker-tasks.ts and rebuild (npm run build:main).' });
    const out = await handler(payload, { threadId, backend, matmul: backendMatMul, signal: controller.signal });
    if (controller.signal.aborted) throw new CancelledError();
    send({ type: 'result', id, result: out.result, ...taskRoutes() }, out.transfer ?? []);
  } catch (err) {
    send({ type: 'error', id, error: serializeError(err), ...taskRoutes() });
  } finally {
    running.delete(id);
  }
}

try {
  const backend = await initBackend({ prefer: data.backend, wasmDir: data.wasmDir });
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') running.get(msg.id)?.abort();
    else void runTask(backend, msg.id, msg.name, msg.payload);
  });
  send({ type: 'ready', threadId, backend });
} catch (err) {
  send({ type: 'init-failed', error: serializeError(err) });
}
