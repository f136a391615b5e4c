/**
 * New, Open, Save, Save As, examples and recovery, through the PlatformApi. In browser mode (no native
 * dialogs) paths come from the in-app file browser. A document with unsaved changes is never dropped
 * without asking.
 */
import { emptyGraph, GRAPH_FORMAT, parseGraph, upgradeNodes, type GraphDocument } from '../../../shared/graph/index.js';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import { PlatformApiError } from '../../../shared/ipc/errors.js';
import type { ExampleGraph, Recovery } from '../../../shared/ipc/files.js';
import type { AppInfo } from '../../../shared/ipc/system.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { commitPendingEdits } from '../app/commit-pending-edits.js';
import { parentPath } from '../graph/paths.js';
import type { AppStore } from '../store/app-store.js';
import { documentName, selectIsDirty } from '../store/selectors.js';

export const GRAPH_FILTERS = [{ name: 'LoRA Studio graph or ComfyUI workflow', extensions: ['json'] }] as const;

export interface FileActions {
  newGraph(): Promise<boolean>;
  open(path?: string): Promise<boolean>;
  openExample(example: ExampleGraph): Promise<boolean>;
  /** A ComfyUI workflow dropped on the canvas: imported into an untitled graph, its report shown. */
  importWorkflow(text: string, name: string): Promise<boolean>;
  save(): Promise<boolean>;
  saveAs(): Promise<boolean>;
  restore(recovery: Recovery): void;
  /** True when there is nothing unsaved, or the user saved or chose to discard it. */
  confirmDiscard(): Promise<boolean>;
}

function errorToast(store: AppStore, what: string, e: unknown): void {
  if (e instanceof PlatformApiError) store.getState().toast('error', `${what}: ${e.message}`, e.hint);
  else store.getState().toast('error', `${what}: ${e instanceof Error ? e.message : String(e)}`);
}

function tryGraph(text: string, name: string): GraphDocument | undefined {
  try {
    return parseGraph(text, { file: name }).document;
  } catch {
    return undefined;
  }
}

const withJsonExtension = (p: string): string => (/\.json$/i.test(p) ? p : `${p}.json`);

export function createFileActions(api: PlatformApi, info: AppInfo, store: AppStore): FileActions {
  const load = (doc: GraphDocument, path: string | null, options?: { recovered?: boolean; sourceDir?: string | null }): void => {
    const { document, upgraded } = upgradeNodes(doc, NODE_REGISTRY);
    const s = store.getState();
    s.replaceDocument(document);
    s.resetRun();
    s.clearSelection();
    s.markOpened(path, options);
    s.requestFit();
    if (upgraded.length > 0) s.toast('info', `${upgraded.length} node(s) were upgraded to their current version; saving writes the new params.`);
  };

  const saveTo = async (path: string): Promise<boolean> => {
    const saved = await api.saveGraph({ path, document: store.getState().doc });
    store.getState().markSaved(saved.path);
    store.getState().toast('info', `Saved ${saved.path}`);
    return true;
  };

  const actions: FileActions = {
    async confirmDiscard() {
      commitPendingEdits();
      const s = store.getState();
      if (!selectIsDirty(s)) return true;
      const choice = await s.confirm({
        title: 'Unsaved changes',
        message: `“${documentName(s)}” has changes that are not saved.`,
        choices: [
          { id: 'save', label: 'Save' },
          { id: 'discard', label: 'Discard changes', danger: true },
          { id: 'cancel', label: 'Cancel' },
        ],
      });
      if (choice === 'save') return actions.save();
      return choice === 'discard';
    },
    async newGraph() {
      if (!(await actions.confirmDiscard())) return false;
      load(emptyGraph(), null);
      return true;
    },
    async open(path) {
      if (!(await actions.confirmDiscard())) return false;
      try {
        let chosen = path;
        if (chosen === undefined && !info.capabilities.nativeDialogs) {
          chosen = (await store.getState().browseForPath({ mode: 'open', title: 'Open graph', filters: GRAPH_FILTERS, allowDirectory: false })) ?? undefined;
          if (chosen === undefined) return false;
        }
        const opened = await api.openGraph(chosen !== undefined ? { path: chosen } : undefined);
        if (!opened) return false;
        if (opened.imported) {
          // A ComfyUI workflow: an untitled graph (Save asks where); relative outputs land beside the workflow.
          load(opened.document, null, { sourceDir: parentPath(opened.path) ?? null });
          store.getState().setDialog({ kind: 'import-report', report: opened.imported });
          return true;
        }
        load(opened.document, opened.path);
        if (opened.migratedFrom !== undefined) store.getState().toast('info', `This graph was written in format version ${opened.migratedFrom}; it was upgraded, and saving writes the current version.`);
        return true;
      } catch (e) {
        errorToast(store, 'Could not open the graph', e);
        return false;
      }
    },
    async openExample(example) {
      if (!(await actions.confirmDiscard())) return false;
      try {
        const opened = await api.openGraph({ path: example.path });
        if (!opened) return false;
        // An example opens as an untitled copy: Save asks where, so the bundled file stays as shipped.
        const doc = { ...opened.document, metadata: { ...(opened.document.metadata ?? {}), name: opened.document.metadata?.name ?? example.title } };
        load(doc, null, { sourceDir: parentPath(opened.path) ?? null });
        return true;
      } catch (e) {
        errorToast(store, `Could not open the example “${example.title}”`, e);
        return false;
      }
    },
    async importWorkflow(text, name) {
      if (!(await actions.confirmDiscard())) return false;
      try {
        if (text.includes(`"${GRAPH_FORMAT}"`)) {
          // A LoRA Studio graph dropped from the desktop opens as an untitled copy (the drop carries no path).
          const graph = tryGraph(text, name);
          if (graph) {
            load(graph, null);
            return true;
          }
        }
        const imported = await api.importWorkflow({ text, name });
        load(imported.document, null);
        store.getState().setDialog({ kind: 'import-report', report: imported.report });
        return true;
      } catch (e) {
        errorToast(store, `Could not import “${name}”`, e);
        return false;
      }
    },
    async save() {
      commitPendingEdits();
      const path = store.getState().filePath;
      if (path === null) return actions.saveAs();
      try {
        return await saveTo(path);
      } catch (e) {
        errorToast(store, 'Could not save', e);
        return false;
      }
    },
    async saveAs() {
      commitPendingEdits();
      const s = store.getState();
      const suggestedName = `${documentName(s).replace(/[\\/:*?"<>|]+/g, '-')}.json`;
      try {
        if (info.capabilities.nativeDialogs) {
          const saved = await api.saveGraphAs({ document: s.doc, suggestedName });
          if (!saved) return false;
          store.getState().markSaved(saved.path);
          store.getState().toast('info', `Saved ${saved.path}`);
          return true;
        }
        const chosen = await s.browseForPath({
          mode: 'save',
          title: 'Save graph as',
          filters: GRAPH_FILTERS,
          allowDirectory: false,
          suggestedName,
          ...(s.filePath ? { defaultPath: s.filePath } : {}),
        });
        if (chosen === null) return false;
        return await saveTo(withJsonExtension(chosen));
      } catch (e) {
        errorToast(store, 'Could not save', e);
        return false;
      }
    },
    restore(recovery) {
      load(recovery.document, recovery.path, { recovered: true });
    },
  };
  return actions;
}
