/**
 * The PlatformApi as the Electron shell implements it. Electron itself is reached only through the small
 * interfaces below (dialogs, window, OS integration), so this file is tested without Electron.
 */
import path from 'node:path';
import { APP_NAME, APP_VERSION } from '../../shared/app-info.js';
import type { ApiHandlers } from '../../shared/ipc/api.js';
import type { DocumentState, PickFileRequest } from '../../shared/ipc/files.js';
import { EngineError } from '../engine/errors.js';
import { engineApiHandlers } from '../engine/service/api-handlers.js';
import type { EngineApi } from '../shell/engine-api.js';
import { graphContextFor, type GraphContextOptions } from '../shell/platform/graph-context.js';
import type { ShellFiles } from '../shell/platform/shell-files.js';
import type { FileAccess } from './file-access.js';

export interface FileFilter {
  name: string;
  extensions: string[];
}

export interface NativeDialogs {
  /** Resolves to the chosen paths (empty when cancelled). */
  open(options: { title?: string; defaultPath?: string; filters?: FileFilter[]; files: boolean; directories: boolean }): Promise<string[]>;
  /** Resolves to the chosen path, or null when cancelled. */
  save(options: { title?: string; defaultPath?: string; filters?: FileFilter[] }): Promise<string | null>;
}

export interface ShellIntegration {
  addRecentDocument(file: string): void;
  showItemInFolder(file: string): void;
  platform: NodeJS.Platform;
}

export interface WindowControl {
  documentStateChanged(state: DocumentState): void;
  /** Closes without the unsaved-changes prompt. */
  closeWithoutPrompt(): void;
}

export interface ElectronHandlerDeps {
  engine: EngineApi;
  files: ShellFiles;
  access: FileAccess;
  dialogs: NativeDialogs;
  os: ShellIntegration;
  window: WindowControl;
  context?: GraphContextOptions;
}

const GRAPH_FILTERS: FileFilter[] = [{ name: 'LoRA Studio graph or ComfyUI workflow', extensions: ['json'] }];

export function createElectronHandlers(deps: ElectronHandlerDeps): ApiHandlers {
  const { engine, files, access, dialogs } = deps;
  const context = (baseDir?: string) => graphContextFor(baseDir ?? files.baseDir(), deps.context ?? {});
  const startFolder = (): string | undefined => {
    const doc = files.documentPath();
    return doc === null ? undefined : path.dirname(doc);
  };
  const recentPaths = async (): Promise<Set<string>> => new Set((await files.getRecentFiles()).map((f) => f.path));

  const openAt = async (file: string) => {
    access.allow(file);
    const opened = await files.openGraphAt(file);
    deps.os.addRecentDocument(opened.path);
    return opened;
  };

  const saveAt = async (file: string, document: Parameters<ShellFiles['saveGraphAt']>[0]['document']) => {
    const saved = await files.saveGraphAt({ path: file, document });
    deps.os.addRecentDocument(saved.path);
    return saved;
  };

  const pickFile = async (request: PickFileRequest): Promise<string | null> => {
    const base = { ...(request.title !== undefined ? { title: request.title } : {}), ...(request.defaultPath !== undefined ? { defaultPath: request.defaultPath } : {}) };
    let chosen: string | null;
    if (request.mode === 'save') {
      chosen = await dialogs.save({ ...base, ...(request.filters ? { filters: request.filters } : {}) });
    } else {
      // Windows and Linux cannot show one dialog for files and folders: there a directory request wins only when asked alone.
      const directories = request.mode === 'directory' || (request.allowDirectory === true && deps.os.platform === 'darwin');
      const picked = await dialogs.open({ ...base, ...(request.filters ? { filters: request.filters } : {}), files: request.mode === 'open', directories });
      chosen = picked[0] ?? null;
    }
    if (chosen !== null) access.allow(chosen);
    return chosen;
  };

  return {
    getAppInfo: async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      shell: 'electron',
      capabilities: { nativeDialogs: true, revealInFolder: true, windowState: true },
    }),

    openGraph: async (request) => {
      if (request?.path !== undefined) {
        const abs = path.resolve(request.path);
        const examples = (await files.listExamples()).map((e) => e.path);
        if (!access.isAllowed(abs) && !(await recentPaths()).has(abs) && !examples.includes(abs)) {
          throw new EngineError('not-allowed', `"${abs}" was not chosen in a dialog, and is neither a recent file nor an example.`, { file: abs, hint: 'Use File > Open to choose it.' });
        }
        return openAt(abs);
      }
      const folder = startFolder();
      const picked = await dialogs.open({ title: 'Open graph', ...(folder !== undefined ? { defaultPath: folder } : {}), filters: GRAPH_FILTERS, files: true, directories: false });
      return picked[0] === undefined ? null : openAt(picked[0]);
    },
    saveGraph: async (request) => {
      const abs = path.resolve(request.path);
      if (!access.isAllowed(abs)) {
        throw new EngineError('not-allowed', `Saving to "${abs}" was refused: that file was not opened or chosen in a save dialog.`, { file: abs, hint: 'Use File > Save As to choose where to save.' });
      }
      return saveAt(abs, request.document);
    },
    saveGraphAs: async (request) => {
      const name = request.suggestedName ?? `${request.document.metadata?.name ?? 'graph'}.json`;
      const folder = startFolder();
      const chosen = await dialogs.save({ title: 'Save graph', defaultPath: folder !== undefined ? path.join(folder, name) : name, filters: GRAPH_FILTERS });
      if (chosen === null) return null;
      const file = path.extname(chosen) === '' ? `${chosen}.json` : chosen;
      access.allow(file);
      return saveAt(file, request.document);
    },
    listExamples: () => files.listExamples(),
    importWorkflow: (request) => files.importWorkflow(request),
    getImportSettings: () => files.getImportSettings(),
    setImportSettings: async (settings) => {
      // Paths the renderer names are only accepted when they were chosen in a dialog (or are already stored).
      const stored = await files.getImportSettings();
      for (const p of [settings.modelsDir, settings.extraModelPaths]) {
        if (p === null || p.trim() === '' || p === stored.modelsDir || p === stored.extraModelPaths) continue;
        if (!access.isAllowed(path.resolve(p))) throw new EngineError('not-allowed', `"${p}" was not chosen in a dialog.`, { file: p, hint: 'Use Choose… to pick it.' });
      }
      return files.setImportSettings(settings);
    },

    pickFile,
    listDirectory: (request) => files.listDirectory(request),
    revealInFolder: async (file) => {
      deps.os.showItemInFolder(path.resolve(file));
    },

    ...engineApiHandlers(engine, context),

    getRecentFiles: () => files.getRecentFiles(),
    clearRecentFiles: () => files.clearRecentFiles(),
    getRecovery: () => files.getRecovery(),
    saveAutosave: (request) => files.saveAutosave(request),
    discardRecovery: () => files.discardRecovery(),
    setDocumentState: async (state) => {
      files.setDocumentPath(state.path);
      deps.window.documentStateChanged(state);
    },
    closeWindow: async () => {
      deps.window.closeWithoutPrompt();
    },
  };
}
