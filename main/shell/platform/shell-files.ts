/**
 * The file side of the PlatformApi that both shells share: graph files by path, examples, the file
 * browser, recent files, autosave and recovery. Electron adds native dialogs on top; browser mode uses
 * this as is.
 */
import path from 'node:path';
import type { ApiHandlers } from '../../../shared/ipc/api.js';
import type { AutosaveRequest, DirectoryListing, ListDirectoryRequest, OpenedGraph, SavedGraph, SaveGraphRequest } from '../../../shared/ipc/files.js';
import { importWorkflowText } from '../../engine/comfyui/import-workflow.js';
import type { AppPaths } from './app-paths.js';
import { AutosaveStore } from './autosave-store.js';
import { listExampleGraphs } from './examples.js';
import { defaultPlaces, listDirectory } from './file-browser.js';
import { openGraphFile, saveGraphFile } from './graph-files.js';
import { ImportSettingsStore } from './import-settings.js';
import { RecentFiles } from './recent-files.js';

export interface ShellFilesOptions {
  configDir: string;
  paths: AppPaths;
  /** Makes sure the example graphs' demo files exist (generated on first use). */
  ensureDemoFiles?: () => Promise<void>;
}

export type ShellFileMethods = Pick<
  ApiHandlers,
  | 'listExamples'
  | 'listDirectory'
  | 'getRecentFiles'
  | 'clearRecentFiles'
  | 'getRecovery'
  | 'saveAutosave'
  | 'discardRecovery'
  | 'importWorkflow'
  | 'getImportSettings'
  | 'setImportSettings'
>;

export interface ShellFiles extends ShellFileMethods {
  readonly recent: RecentFiles;
  readonly autosave: AutosaveStore;
  openGraphAt(file: string): Promise<OpenedGraph>;
  saveGraphAt(request: SaveGraphRequest): Promise<SavedGraph>;
  /** A clean close of this document: its autosave is no longer needed. */
  closedCleanly(graphPath: string | null): Promise<void>;
  /** The graph file the open document belongs to (last opened, saved, or set by setDocumentState). */
  documentPath(): string | null;
  /**
   * The folder the open document's relative file params resolve against: its file's folder, or, for an
   * untitled document, the folder of the graph it came from (an example opened as an untitled copy).
   */
  baseDir(): string | null;
  setDocumentPath(graphPath: string | null): void;
}

const inside = (dir: string, file: string): boolean => {
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
};

export function createShellFiles(options: ShellFilesOptions): ShellFiles {
  const recent = new RecentFiles(options.configDir);
  const autosave = new AutosaveStore(options.configDir);
  const importSettings = new ImportSettingsStore(options.configDir);
  const { examplesDir, demoDir } = options.paths;
  let lastFolder: string | undefined;
  let docPath: string | null = null;
  let docDir: string | null = null;
  const setDoc = (graphPath: string | null): void => {
    docPath = graphPath === null ? null : path.resolve(graphPath);
    if (docPath !== null) docDir = path.dirname(docPath);
  };
  const places = defaultPlaces([
    { label: 'Examples', path: examplesDir },
    { label: 'Demo files', path: demoDir },
  ]);

  return {
    recent,
    autosave,
    async openGraphAt(file) {
      const opened = await openGraphFile(file, await importSettings.importOptions());
      lastFolder = path.dirname(opened.path);
      if (opened.imported) {
        // An imported workflow opens as an untitled graph whose relative outputs land beside the workflow.
        docPath = null;
        docDir = lastFolder;
        return opened;
      }
      setDoc(opened.path);
      if (!inside(examplesDir, opened.path)) await recent.add(opened.path);
      return opened;
    },
    async saveGraphAt(request) {
      const saved = await saveGraphFile(request.path, request.document);
      lastFolder = path.dirname(saved.path);
      setDoc(saved.path);
      await recent.add(saved.path);
      // The work is on disk now: neither its own autosave nor an "untitled" one it came from is worth offering.
      await autosave.forget(saved.path);
      await autosave.forget(null);
      return saved;
    },
    async closedCleanly(graphPath) {
      await autosave.forget(graphPath);
    },
    documentPath: () => docPath,
    baseDir: () => docDir,
    setDocumentPath: setDoc,
    async listExamples() {
      await options.ensureDemoFiles?.();
      return listExampleGraphs(examplesDir);
    },
    listDirectory(request?: ListDirectoryRequest): Promise<DirectoryListing> {
      return listDirectory(request, { ...(lastFolder !== undefined ? { startDir: lastFolder } : {}), places });
    },
    async importWorkflow(request) {
      return importWorkflowText(request.text, request.name, await importSettings.importOptions());
    },
    getImportSettings: () => importSettings.read(),
    setImportSettings: (settings) => importSettings.write(settings),
    getRecentFiles: () => recent.list(),
    clearRecentFiles: () => recent.clear(),
    getRecovery: () => autosave.recovery(),
    saveAutosave: (request: AutosaveRequest) => autosave.save(request),
    discardRecovery: () => autosave.discardAll(),
  };
}
