/**
 * The tasks an engine worker can run, by name. Other areas add their handlers here
 * (`'area.name': defineTask<Payload, Result>(…)` imported from their module); the pool's `run` is typed from
 * this map. Handlers are bundled into dist/engine-worker.js: rebuild (npm run build:main) after adding one.
 */
import { bakeTensorTask, bakeTensorToFileTask } from '../ops/apply/bake-task.js';
import { moduleFactorsTask } from '../ops/module-source/task.js';
import { extractScanTask } from '../ops/extract/scan-task.js';
import { moduleStatsTask, signConflictsTask } from '../ops/inspect-report/task.js';
import { probeLayerTask } from '../ops/probe/probe-task.js';
import { lowRankSVDTask } from './tasks/low-rank-svd.js';
import { matmulTask } from './tasks/matmul.js';
import { randomizedSVDTask } from './tasks/randomized-svd.js';
import { pingTask } from './tasks/ping.js';
import type { TaskHandler, TaskOutput } from './task.js';

export const workerTasks = {
  ping: pingTask,
  matmul: matmulTask,
  'linalg.lowRankSVD': lowRankSVDTask,
  'linalg.randomizedSVD': randomizedSVDTask,
  'bake.tensor': bakeTensorTask,
  'bake.tensorToFile': bakeTensorToFileTask,
  'combine.module': moduleFactorsTask,
  'extract.scan': extractScanTask,
  'inspect.moduleStats': moduleStatsTask,
  'inspect.signConflicts': signConflictsTask,
  'probe.layer': probeLayerTask,
};

export type WorkerTasks = typeof workerTasks;
export type TaskName = keyof WorkerTasks;
export type TaskPayload<N extends TaskName> = Parameters<WorkerTasks[N]>[0];
export type TaskResult<N extends TaskName> = Awaited<ReturnType<WorkerTasks[N]>>['result'];

/** Any registered handler, as the worker's dispatcher sees it (the payload arrives untyped). */
export type AnyTaskHandler = TaskHandler<never, unknown>;

export function findTask(name: string): ((payload: unknown, ctx: Parameters<AnyTaskHandler>[1]) => Promise<TaskOutput<unknown>>) | undefined {
  if (!Object.hasOwn(workerTasks, name)) return undefined;
  const handler: AnyTaskHandler = workerTasks[name as TaskName];
  return (payload, ctx) => handler(payload as never, ctx);
}
