/**
 * The PlatformApi as browser mode implements it: engine methods from the engine, files through the
 * server-side file browser. No native dialogs (AppInfo says so): the renderer shows its own file browser
 * on listDirectory and then calls openGraph/saveGraph with a path; pickFile, saveGraphAs without a path
 * and revealInFolder answer "unsupported".
 */
import { APP_NAME, APP_VERSION } from '../../shared/app-info.js';
import type { ApiHandlers } from '../../shared/ipc/api.js';
import { EngineError } from '../engine/errors.js';
import { engineApiHandlers } from '../engine/service/api-handlers.js';
import type { EngineApi } from '../shell/engine-api.js';
import { graphContextFor, type GraphContextOptions } from '../shell/platform/graph-context.js';
import type { ShellFiles } from '../shell/platform/shell-files.js';

const unsupported = (what: string, hint: string): EngineError => new EngineError('unsupported', `${what} is not available in browser mode.`, { hint });

export function createBrowserHandlers(engine: EngineApi, files: ShellFiles, options: GraphContextOptions = {}): ApiHandlers {
  // Browser mode learns the open graph from open/save/setDocumentState (the last one wins across tabs).
  const context = (baseDir?: string) => graphContextFor(baseDir ?? files.baseDir(), options);
  return {
    getAppInfo: async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      shell: 'browser',
      capabilities: { nativeDialogs: false, revealInFolder: false, windowState: false },
    }),

    openGraph: async (request) => {
      if (request?.path === undefined) throw unsupported('The native open dialog', 'Choose the file with the file browser (listDirectory), then open it by path.');
      return files.openGraphAt(request.path);
    },
    saveGraph: (request) => files.saveGraphAt(request),
    saveGraphAs: async () => {
      throw unsupported('The native save dialog', 'Choose the path with the file browser, then call saveGraph with it.');
    },
    listExamples: () => files.listExamples(),
    importWorkflow: (request) => files.importWorkflow(request),
    getImportSettings: () => files.getImportSettings(),
    setImportSettings: (settings) => files.setImportSettings(settings),

    pickFile: async () => {
      throw unsupported('The native file dialog', 'Use the file browser (listDirectory).');
    },
    listDirectory: (request) => files.listDirectory(request),
    revealInFolder: async () => {
      throw unsupported('Showing a file in the file manager', 'The files are on the machine that runs `lora-studio serve`.');
    },

    ...engineApiHandlers(engine, context),

    getRecentFiles: () => files.getRecentFiles(),
    clearRecentFiles: () => files.clearRecentFiles(),
    getRecovery: () => files.getRecovery(),
    saveAutosave: (request) => files.saveAutosave(request),
    discardRecovery: () => files.discardRecovery(),
    // A browser tab has no window title or close prompt to drive from here; the path still sets the run context.
    setDocumentState: async (state) => files.setDocumentPath(state.path),
    closeWindow: async () => undefined,
  };
}
