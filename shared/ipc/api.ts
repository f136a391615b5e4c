/**
 * PlatformApi: what the renderer codes against, the same in Electron and in browser mode. Every method
 * rejects with a PlatformApiError (code, message, hint) on failure. Dialog methods resolve to null when
 * the user cancels. Paths are the engine machine's paths (in browser mode, the server's).
 *
 * Browser mode has no native dialogs (AppInfo.capabilities.nativeDialogs = false): the browser
 * implementation shows its own file browser (listDirectory) and then calls openGraph({ path }),
 * saveGraph({ path, document }) or returns the chosen path from pickFile.
 */
import type { GraphDocument } from '../graph/document.js';
import type { Problem } from '../graph/problems.js';
import type { ApiArgs, ApiMethodName, ApiResult } from './contract.js';
import type { MenuAction, EngineEvent } from './events.js';
import type {
  AutosaveRequest,
  DirectoryListing,
  DocumentState,
  ExampleGraph,
  ImportedWorkflowResult,
  ImportSettings,
  ImportWorkflowRequest,
  ListDirectoryRequest,
  OpenedGraph,
  OpenGraphRequest,
  PickFileRequest,
  RecentFile,
  Recovery,
  SavedGraph,
  SaveGraphAsRequest,
  SaveGraphRequest,
} from './files.js';
import type { InspectionResult, InspectRequest } from './inspection.js';
import type { ActiveRun, RunOptions, RunStart, StopResult, ValidateOptions } from './runs.js';
import type { AppInfo, BackendInfo } from './system.js';

export type Unsubscribe = () => void;

export interface PlatformApi {
  getAppInfo(): Promise<AppInfo>;
  /** The active compute backend, why the others were skipped, cores and memory. */
  getBackendInfo(): Promise<BackendInfo>;

  /**
   * Without a path: the native open dialog (null if cancelled). With one: that file. Newer-format files reject
   * with code "newer-version". A ComfyUI workflow is imported (the result carries `imported`, its report).
   */
  openGraph(request?: OpenGraphRequest): Promise<OpenedGraph | null>;
  /** Writes atomically to a known path and adds it to the recent files. */
  saveGraph(request: SaveGraphRequest): Promise<SavedGraph>;
  /** The native save dialog, then saveGraph; null if cancelled. */
  saveGraphAs(request: SaveGraphAsRequest): Promise<SavedGraph | null>;
  /** The bundled example graphs (their demo files generated if missing). */
  listExamples(): Promise<ExampleGraph[]>;
  /** A ComfyUI workflow's text (dropped on the canvas) → the graph that bakes its LoRA chains, and the import report. */
  importWorkflow(request: ImportWorkflowRequest): Promise<ImportedWorkflowResult>;
  /** Where the ComfyUI import finds model files. */
  getImportSettings(): Promise<ImportSettings>;
  /** Checks that the folder and file exist, stores them and returns what was stored. */
  setImportSettings(settings: ImportSettings): Promise<ImportSettings>;

  /** The native dialog for a file param; null if cancelled. */
  pickFile(request: PickFileRequest): Promise<string | null>;
  /** Browser mode's file browser (also works in Electron). */
  listDirectory(request?: ListDirectoryRequest): Promise<DirectoryListing>;
  revealInFolder(path: string): Promise<void>;

  /** Format, dialect, architecture, ranks, metadata, hashes; mapping onto `base` when given. */
  inspectFile(request: InspectRequest): Promise<InspectionResult>;
  /** Shared validation plus the engine's checks (files exist, LoRAs match their models, memory). */
  validateGraph(document: GraphDocument, options?: ValidateOptions): Promise<Problem[]>;
  /** Validates and starts a run; progress arrives as engine events with the returned runId. */
  runGraph(document: GraphDocument, options?: RunOptions): Promise<RunStart>;
  /** Cooperative stop, then a hard kill of the engine worker if it does not stop in time. */
  stopRun(runId: string): Promise<StopResult>;
  /** The run in progress, if any (after a reload or a WebSocket reconnect). */
  getActiveRun(): Promise<ActiveRun>;

  getRecentFiles(): Promise<RecentFile[]>;
  clearRecentFiles(): Promise<void>;
  /** An autosave left by a session that did not close cleanly, or null. */
  getRecovery(): Promise<Recovery | null>;
  saveAutosave(request: AutosaveRequest): Promise<void>;
  discardRecovery(): Promise<void>;
  /** Window title and the unsaved-changes prompt on close follow this. */
  setDocumentState(state: DocumentState): Promise<void>;
  /** Closes the window without prompting (after "save-and-close" saved the document). */
  closeWindow(): Promise<void>;

  onEngineEvent(listener: (event: EngineEvent) => void): Unsubscribe;
  /** Application menu commands (Electron only). */
  onMenuAction(listener: (command: MenuAction) => void): Unsubscribe;
}

/** The request/response methods, as derived from the contract: what a shell implements. */
export type ApiHandlers = { [M in ApiMethodName]: (...args: ApiArgs<M>) => Promise<ApiResult<M>> };

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Fails to compile when PlatformApi and API_CONTRACT drift apart.
const contractMatchesInterface: Same<Pick<PlatformApi, ApiMethodName>, ApiHandlers> = true;
const onlySubscriptionsOutsideContract: Same<Exclude<keyof PlatformApi, ApiMethodName>, 'onEngineEvent' | 'onMenuAction'> = true;
void contractMatchesInterface;
void onlySubscriptionsOutsideContract;
