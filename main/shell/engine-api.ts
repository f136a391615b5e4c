/**
 * What a shell needs from the engine: the EngineService's shape (main/engine/service), which serves it
 * in-process, and which Electron's engine-host client serves across a utilityProcess.
 */
import type { GraphDocument } from '../../shared/graph/document.js';
import type { Problem } from '../../shared/graph/problems.js';
import type { EngineEvent } from '../../shared/ipc/events.js';
import type { InspectionResult, InspectRequest } from '../../shared/ipc/inspection.js';
import type { ActiveRun, RunOptions, RunStart, StopResult } from '../../shared/ipc/runs.js';
import type { BackendInfo } from '../../shared/ipc/system.js';

/** Where a document's relative file params resolve (the graph file's folder) and where outputs go. */
export interface GraphContext {
  readonly baseDir?: string;
  readonly outputDir?: string;
}

export interface EngineApi {
  inspectFile(request: InspectRequest): Promise<InspectionResult>;
  validateGraph(document: GraphDocument, context?: GraphContext): Promise<Problem[]>;
  runGraph(document: GraphDocument, options?: RunOptions, context?: GraphContext): Promise<RunStart>;
  stopRun(runId: string): Promise<StopResult>;
  getActiveRun(): Promise<ActiveRun>;
  getBackendInfo(): Promise<BackendInfo>;
  /** Every engine event; returns the unsubscribe function. */
  onEvent(listener: (event: EngineEvent) => void): () => void;
  dispose(): Promise<void>;
}
