/**
 * What a shell needs from the engine: the EngineService's shape (main/engine/service), which serves it
 * in-process, and which Electron's engine-host client serves across a utilityProcess. A type-only import: the
 * Electron main process does not load the engine.
 */
import type { EngineService } from '../engine/service/engine-service.js';

export type { GraphContext } from '../engine/service/engine-service.js';

export type EngineApi = Omit<EngineService, 'waitForRun'>;
