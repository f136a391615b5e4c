export { createEngineService, engineApiHandlers, type EngineApiHandlers, type EngineService, type EngineServiceOptions, type GraphContext, type RunFinishedEvent } from './engine-service.js';
export type { EngineEventListener } from './event-hub.js';
