/** Graph files, dialogs, the browser-mode file browser, recent files and crash recovery. */
import { z } from 'zod';
import { importReportSchema } from '../comfyui/import-report.js';
import { graphDocumentSchema } from '../graph/document.js';

export const fileFilterSchema = z.object({ name: z.string(), extensions: z.array(z.string()) });

export const pickFileRequestSchema = z.object({
  mode: z.enum(['open', 'save', 'directory']),
  filters: z.array(fileFilterSchema).optional(),
  /** Open mode: a directory is also accepted (PEFT adapter directories). */
  allowDirectory: z.boolean().optional(),
  title: z.string().optional(),
  /** Start here (a file or folder path). */
  defaultPath: z.string().optional(),
});
export type PickFileRequest = z.infer<typeof pickFileRequestSchema>;

/** Absent path: show the native dialog (Electron). With a path (recent file, example, browser mode's file browser): open it. */
export const openGraphRequestSchema = z.object({ path: z.string().min(1).optional() });
export type OpenGraphRequest = z.infer<typeof openGraphRequestSchema>;

export const openedGraphSchema = z.object({
  path: z.string(),
  document: graphDocumentSchema,
  /** The file's graph format version when it was upgraded on open (saving writes the current one). */
  migratedFrom: z.number().int().optional(),
  /** The file was a ComfyUI workflow: `document` is its import (not saved yet; `path` is the workflow's). */
  imported: importReportSchema.optional(),
});
export type OpenedGraph = z.infer<typeof openedGraphSchema>;

export const saveGraphRequestSchema = z.object({ path: z.string().min(1), document: graphDocumentSchema });
export type SaveGraphRequest = z.infer<typeof saveGraphRequestSchema>;

export const saveGraphAsRequestSchema = z.object({ document: graphDocumentSchema, suggestedName: z.string().optional() });
export type SaveGraphAsRequest = z.infer<typeof saveGraphAsRequestSchema>;

export const savedGraphSchema = z.object({ path: z.string(), savedAt: z.number() });
export type SavedGraph = z.infer<typeof savedGraphSchema>;

export const listDirectoryRequestSchema = z.object({
  /** Absent: the start folder (home, or the folder of the open graph). */
  path: z.string().optional(),
  /** Files not matching are left out (directories always listed). */
  filters: z.array(fileFilterSchema).optional(),
  showHidden: z.boolean().optional(),
});
export type ListDirectoryRequest = z.infer<typeof listDirectoryRequestSchema>;

export const directoryEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  kind: z.enum(['file', 'directory']),
  bytes: z.number().nonnegative().optional(),
  modifiedAt: z.number().optional(),
});

export const directoryListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  entries: z.array(directoryEntrySchema),
  /** Shortcuts: home, examples, demo files, drives. */
  places: z.array(z.object({ label: z.string(), path: z.string() })),
});
export type DirectoryListing = z.infer<typeof directoryListingSchema>;

export const recentFileSchema = z.object({ path: z.string(), name: z.string(), openedAt: z.number() });
export type RecentFile = z.infer<typeof recentFileSchema>;

export const exampleGraphSchema = z.object({ id: z.string(), title: z.string(), description: z.string(), path: z.string() });
export type ExampleGraph = z.infer<typeof exampleGraphSchema>;

export const autosaveRequestSchema = z.object({
  document: graphDocumentSchema,
  /** The file the document belongs to, or null for an unsaved one. */
  path: z.string().nullable(),
});
export type AutosaveRequest = z.infer<typeof autosaveRequestSchema>;

/** An autosave newer than the last explicit save, left by a session that did not close cleanly. */
export const recoverySchema = z.object({ document: graphDocumentSchema, path: z.string().nullable(), savedAt: z.number() });
export type Recovery = z.infer<typeof recoverySchema>;

/** What the window shows and whether closing needs a prompt. */
export const documentStateSchema = z.object({ path: z.string().nullable(), name: z.string(), dirty: z.boolean() });
export type DocumentState = z.infer<typeof documentStateSchema>;

/** A ComfyUI workflow dropped on the canvas: its text and file name (browser mode cannot send a path). */
export const importWorkflowRequestSchema = z.object({ text: z.string().max(32 * 1024 * 1024), name: z.string().min(1).max(1024) });
export type ImportWorkflowRequest = z.infer<typeof importWorkflowRequestSchema>;

export const importedWorkflowSchema = z.object({ document: graphDocumentSchema, report: importReportSchema });
export type ImportedWorkflowResult = z.infer<typeof importedWorkflowSchema>;

/** Where the ComfyUI import looks for model files (kept in <config>/import-settings.json). */
export const importSettingsSchema = z.object({
  /** ComfyUI's models folder (checkpoints/, loras/ … inside), or its root. */
  modelsDir: z.string().nullable(),
  /** ComfyUI's extra_model_paths.yaml. */
  extraModelPaths: z.string().nullable(),
});
export type ImportSettings = z.infer<typeof importSettingsSchema>;
