/**
 * The tasks an engine worker can run, by name. Other areas add their handlers here
 * (`'area.name': defineTask<Payload, Result>(…)` imported from their module); the pool's `run` is typed from
 * this map. Handlers are bundled into dist/engine-worker.js: rebuild (npm run build:main) after adding one.
 */
import { bakeTensorToFileTask } from '../ops/apply/bake-task.js';
import { copyRangeTask } from '../export/copy-range-task.js';
import { hashFileTask } from '../export/hash-file-task.js';
import { moduleFactorsTask } from '../module-source/task.js';
import { extractModuleTask } from '../ops/extract/module-task.js';
import { moduleStatsTask, signConflictsTask } from '../ops/inspect-report/task.js';
import { probeLayerTask } from '../ops/probe/probe-task.js';
import { lowRankSVDTask } from '../compute/tasks/low-rank-svd.js';
import { matmulTask } from '../compute/tasks/matmul.js';
import { randomizedSVDTask } from '../compute/tasks/randomized-svd.js';
import { pingTask } from '../compute/tasks/ping.js';
import type { TaskHandler, TaskOutput } from '../compute/task.js';
import type { TaskName } from '../compute/worker-pool.js';

export const workerTasks = {
  ping: pingTask,
  matmul: matmulTask,
  'linalg.lowRankSVD': lowRankSVDTask,
  'linalg.randomizedSVD': randomizedSVDTask,
  'bake.tensorToFile': bakeTensorToFileTask,
  'save.copyRange': copyRangeTask,
  'hash.file': hashFileTask,
  'combine.module': moduleFactorsTask,
  'extract.module': extractModuleTask,
  'inspect.moduleStats': moduleStatsTask,
  'inspect.signConflicts': signConflictsTask,
  'probe.layer': probeLayerTask,
};

export type WorkerTasks = typeof workerTasks;
export type { TaskName, TaskPayload, TaskResult } from '../compute/worker-pool.js';

declare module '../compute/worker-pool.js' {
  // The pool's task names and types are this registry's.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface WorkerTaskMap extends WorkerTasks {}
}

/** Any registered handler, as the worker's dispatcher sees it (the payload arrives untyped). */
export type AnyTaskHandler = TaskHandler<never, unknown>;

export function findTask(name: string): ((payload: unknown, ctx: Parameters<AnyTaskHandler>[1]) => Promise<TaskOutput<unknown>>) | undefined {
  if (!Object.hasOwn(workerTasks, name)) return undefined;
  const handler: AnyTaskHandler = workerTasks[name as TaskName];
  return (payload, ctx) => handler(payload as never, ctx);
}
