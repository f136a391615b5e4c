/**
 * The platform contract: every operation the renderer may ask for, with its channel name and the zod
 * schemas of its arguments (a tuple) and result. Both shells use it: Electron registers one ipcMain
 * handler per channel and the preload exposes one method per entry; browser mode serves
 * `POST /api/<method>` with body `{ "args": [...] }`. Replies are ApiEnvelopes. The receiving side
 * validates: handlers parse arguments (createApiDispatcher), clients parse results and events
 * (createPlatformApi).
 */
import { z } from 'zod';
import { graphDocumentSchema } from '../graph/document.js';
import { problemSchema } from '../graph/problems.js';
import { menuActionSchema, engineEventSchema } from './events.js';
import {
  autosaveRequestSchema,
  directoryListingSchema,
  documentStateSchema,
  exampleGraphSchema,
  importedWorkflowSchema,
  importSettingsSchema,
  importWorkflowRequestSchema,
  listDirectoryRequestSchema,
  openedGraphSchema,
  openGraphRequestSchema,
  pickFileRequestSchema,
  recentFileSchema,
  recoverySchema,
  saveGraphAsRequestSchema,
  saveGraphRequestSchema,
  savedGraphSchema,
} from './files.js';
import { inspectionResultSchema, inspectRequestSchema } from './inspection.js';
import { activeRunSchema, runOptionsSchema, runStartSchema, stopResultSchema, validateOptionsSchema } from './runs.js';
import { appInfoSchema, backendInfoSchema } from './system.js';

interface MethodContract<A extends z.ZodTuple, R extends z.ZodType> {
  readonly channel: string;
  readonly args: A;
  readonly result: R;
}

const method = <A extends z.ZodTuple, R extends z.ZodType>(channel: string, args: A, result: R): MethodContract<A, R> => ({ channel, args, result });
const none = z.tuple([]);
const done = z.void();

export const API_CONTRACT = {
  getAppInfo: method('app:get-info', none, appInfoSchema),
  getBackendInfo: method('engine:get-backend-info', none, backendInfoSchema),

  openGraph: method('graph:open', z.tuple([openGraphRequestSchema.optional()]), openedGraphSchema.nullable()),
  saveGraph: method('graph:save', z.tuple([saveGraphRequestSchema]), savedGraphSchema),
  saveGraphAs: method('graph:save-as', z.tuple([saveGraphAsRequestSchema]), savedGraphSchema.nullable()),
  listExamples: method('graph:list-examples', none, z.array(exampleGraphSchema)),
  importWorkflow: method('graph:import-workflow', z.tuple([importWorkflowRequestSchema]), importedWorkflowSchema),
  getImportSettings: method('app:get-import-settings', none, importSettingsSchema),
  setImportSettings: method('app:set-import-settings', z.tuple([importSettingsSchema]), importSettingsSchema),

  pickFile: method('dialog:pick-file', z.tuple([pickFileRequestSchema]), z.string().nullable()),
  listDirectory: method('fs:list-directory', z.tuple([listDirectoryRequestSchema.optional()]), directoryListingSchema),
  revealInFolder: method('fs:reveal-in-folder', z.tuple([z.string().min(1)]), done),

  inspectFile: method('engine:inspect-file', z.tuple([inspectRequestSchema]), inspectionResultSchema),
  validateGraph: method('engine:validate-graph', z.tuple([graphDocumentSchema, validateOptionsSchema.optional()]), z.array(problemSchema)),
  runGraph: method('engine:run-graph', z.tuple([graphDocumentSchema, runOptionsSchema.optional()]), runStartSchema),
  stopRun: method('engine:stop-run', z.tuple([z.string().min(1)]), stopResultSchema),
  getActiveRun: method('engine:get-active-run', none, activeRunSchema),

  getRecentFiles: method('app:get-recent-files', none, z.array(recentFileSchema)),
  clearRecentFiles: method('app:clear-recent-files', none, done),
  getRecovery: method('app:get-recovery', none, recoverySchema.nullable()),
  saveAutosave: method('app:save-autosave', z.tuple([autosaveRequestSchema]), done),
  discardRecovery: method('app:discard-recovery', none, done),
  setDocumentState: method('app:set-document-state', z.tuple([documentStateSchema]), done),
  closeWindow: method('app:close-window', none, done),
} as const;

export type ApiContract = typeof API_CONTRACT;
export type ApiMethodName = keyof ApiContract;
export const API_METHOD_NAMES = Object.keys(API_CONTRACT) as ApiMethodName[];
export type ApiArgs<M extends ApiMethodName> = z.input<ApiContract[M]['args']>;
export type ApiResult<M extends ApiMethodName> = z.output<ApiContract[M]['result']>;

/** Main -> renderer pushes. */
export const PUSH_CHANNELS = { engineEvent: 'engine:event', menuAction: 'app:command' } as const;
export type PushChannel = (typeof PUSH_CHANNELS)[keyof typeof PUSH_CHANNELS];

/** Browser mode: `POST ${HTTP_API_PREFIX}<method>`, body `{ "args": [...] }`, reply an ApiEnvelope. */
export const HTTP_API_PREFIX = '/api/';
export const httpRequestBodySchema = z.object({ args: z.array(z.unknown()) });
/** Browser mode: the WebSocket that carries PushMessages. */
export const WS_EVENTS_PATH = '/api/events';

export const pushMessageSchema = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal(PUSH_CHANNELS.engineEvent), payload: engineEventSchema }),
  z.object({ channel: z.literal(PUSH_CHANNELS.menuAction), payload: menuActionSchema }),
]);
export type PushMessage = z.infer<typeof pushMessageSchema>;

/** Channel names are unique (a programming error otherwise, caught at load and by the tests). */
const channels = new Set<string>();
for (const m of API_METHOD_NAMES) {
  const c = API_CONTRACT[m].channel;
  if (channels.has(c)) throw new Error(`IPC channel ${c} is used twice`);
  channels.add(c);
}
