/**
 * The engine's PlatformApi methods as handlers for a shell's dispatcher. Types only from the engine, so the
 * Electron main process can use it without loading the engine (which runs in a utilityProcess there).
 */
import type { ApiHandlers } from '../../../shared/ipc/api.js';
import type { EngineService, GraphContext } from './engine-service.js';

/** The PlatformApi methods an EngineService serves as they are (shells wire them to their transport). */
export type EngineApiHandlers = Pick<ApiHandlers, 'inspectFile' | 'validateGraph' | 'runGraph' | 'stopRun' | 'getActiveRun' | 'getBackendInfo'>;

/** The engine methods a shell serves, whether the engine is in process or behind a utilityProcess. */
export type EngineApiSource = Pick<EngineService, 'inspectFile' | 'validateGraph' | 'runGraph' | 'stopRun' | 'getActiveRun' | 'getBackendInfo'>;

/** The EngineService's methods as PlatformApi handlers (graph context from the shell's open document). */
export function engineApiHandlers(service: EngineApiSource, context: (baseDir?: string) => GraphContext = () => ({})): EngineApiHandlers {
  return {
    inspectFile: (request) => service.inspectFile(request),
    // Each window says where its own document lives: relative paths never follow another tab's graph.
    validateGraph: (document, options) => service.validateGraph(document, context(options?.baseDir)),
    runGraph: (document, runOptions) => service.runGraph(document, runOptions, context(runOptions?.baseDir)),
    stopRun: (runId) => service.stopRun(runId),
    getActiveRun: () => service.getActiveRun(),
    getBackendInfo: () => service.getBackendInfo(),
  };
}
