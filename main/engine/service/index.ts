export { engineApiHandlers, type EngineApiHandlers, type EngineApiSource } from './api-handlers.js';
export { createEngineService, type EngineService, type EngineServiceOptions, type GraphContext, type RunFinishedEvent } from './engine-service.js';
export type { EngineEventListener } from './event-hub.js';
/** Inspecting one file needs no run: shells call it directly (with their own signal and log). */
export { inspectFile } from '../ops/inspect-file.js';
