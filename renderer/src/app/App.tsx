import { useMemo } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { usePlatform } from '../api/api-context.js';
import { Canvas } from '../canvas/Canvas.js';
import { ConfirmDialog } from '../dialogs/ConfirmDialog.js';
import { FileBrowserDialog } from '../dialogs/FileBrowserDialog.js';
import { ImportReportDialog } from '../dialogs/ImportReportDialog.js';
import { ImportSettingsDialog } from '../dialogs/ImportSettingsDialog.js';
import { InspectFileDialog } from '../dialogs/InspectFileDialog.js';
import { ShortcutsDialog } from '../dialogs/ShortcutsDialog.js';
import { createFileActions } from '../files/file-actions.js';
import { ConnectionBanner, RecoveryBanner } from '../panels/Banners.js';
import { BottomPanel } from '../panels/bottom/BottomPanel.js';
import { InspectorPanel } from '../panels/inspector/InspectorPanel.js';
import { LibraryPanel } from '../panels/LibraryPanel.js';
import { Toasts } from '../panels/Toasts.js';
import { Toolbar } from '../panels/Toolbar.js';
import { createRunActions } from '../run/run-actions.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';
import { ActionsContext, type AppActions } from './actions-context.js';
import { useMenuActions } from './use-menu-actions.js';
import { useAutosave } from './use-autosave.js';
import { useCanvasActions } from './use-canvas-actions.js';
import { useClipboard } from './use-clipboard.js';
import { useDocumentState } from './use-document-state.js';
import { useEngineEvents } from './use-engine-events.js';
import { useShortcuts } from './use-shortcuts.js';
import { useStartup } from './use-startup.js';
import { useTheme } from './use-theme.js';
import { useValidation } from './use-validation.js';

function Workbench() {
  const { api, info } = usePlatform();
  const store = useAppStoreApi();
  const canvas = useCanvasActions(store);
  const actions = useMemo<AppActions>(() => ({ file: createFileActions(api, info, store), run: createRunActions(api, store), canvas }), [api, info, store, canvas]);
  const epoch = useAppStore((s) => s.connection.epoch);
  useTheme(store);
  useValidation(api, store);
  useEngineEvents(api, store, epoch);
  useAutosave(api, store);
  useDocumentState(api, info, store);
  useShortcuts(store, actions);
  useClipboard(store);
  useMenuActions(api, store, actions);
  useStartup(api, store, actions, window.location.search);
  return (
    <ActionsContext.Provider value={actions}>
      <div className="app">
        <div>
          <Toolbar />
          <ConnectionBanner />
          <RecoveryBanner />
        </div>
        <main className="workspace">
          <LibraryPanel />
          <Canvas />
          <InspectorPanel />
        </main>
        <BottomPanel />
      </div>
      <Toasts />
      <ImportReportDialog />
      <ImportSettingsDialog />
      <FileBrowserDialog />
      <ConfirmDialog />
      <ShortcutsDialog />
      <InspectFileDialog />
    </ActionsContext.Provider>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <Workbench />
    </ReactFlowProvider>
  );
}
