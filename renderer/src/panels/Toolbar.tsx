import { useState } from 'react';
import type { ExampleGraph, RecentFile } from '../../../shared/ipc/files.js';
import { usePlatform } from '../api/api-context.js';
import { useActions } from '../app/actions-context.js';
import { baseName } from '../format/format.js';
import { documentName, selectIsDirty } from '../store/selectors.js';
import { useAppStore } from '../store/store-context.js';
import { Menu } from './Menu.js';

function RecentMenu() {
  const { api } = usePlatform();
  const actions = useActions();
  const [recent, setRecent] = useState<RecentFile[] | null>(null);
  return (
    <Menu label="Recent" title="Open a recent graph" onOpen={() => void api.getRecentFiles().then(setRecent, () => setRecent([]))}>
      {(close) => (
        <>
          {recent === null && <div className="menu-note">Loading…</div>}
          {recent?.length === 0 && <div className="menu-note">No recent graphs yet.</div>}
          {recent?.map((r) => (
            <button
              key={r.path}
              type="button"
              role="menuitem"
              onClick={() => {
                close();
                void actions.file.open(r.path);
              }}
            >
              {r.name}
              <span className="item-detail">{r.path}</span>
            </button>
          ))}
          {recent !== null && recent.length > 0 && (
            <button
              type="button"
              role="menuitem"
              onClick={() => {
                close();
                void api.clearRecentFiles();
              }}
            >
              Clear recent graphs
            </button>
          )}
        </>
      )}
    </Menu>
  );
}

function ExamplesMenu() {
  const { api } = usePlatform();
  const actions = useActions();
  const [examples, setExamples] = useState<ExampleGraph[] | null>(null);
  return (
    <Menu label="Examples" title="Open an example graph (runs on the bundled demo files)" onOpen={() => void api.listExamples().then(setExamples, () => setExamples([]))}>
      {(close) => (
        <>
          {examples === null && <div className="menu-note">Loading…</div>}
          {examples?.length === 0 && <div className="menu-note">No examples found.</div>}
          {examples?.map((ex) => (
            <button
              key={ex.id}
              type="button"
              role="menuitem"
              onClick={() => {
                close();
                void actions.file.openExample(ex);
              }}
            >
              {ex.title}
              {ex.description && <span className="item-detail">{ex.description}</span>}
            </button>
          ))}
        </>
      )}
    </Menu>
  );
}

export function Toolbar() {
  const actions = useActions();
  const name = useAppStore(documentName);
  const path = useAppStore((s) => s.filePath);
  const dirty = useAppStore(selectIsDirty);
  const canUndo = useAppStore((s) => s.history.past.length > 0);
  const canRedo = useAppStore((s) => s.history.future.length > 0);
  const undoLabel = useAppStore((s) => s.history.past[s.history.past.length - 1]?.label);
  const redoLabel = useAppStore((s) => s.history.future[0]?.label);
  const undo = useAppStore((s) => s.undo);
  const redo = useAppStore((s) => s.redo);
  const theme = useAppStore((s) => s.theme);
  const setTheme = useAppStore((s) => s.setTheme);
  const snap = useAppStore((s) => s.snapToGrid);
  const setSnap = useAppStore((s) => s.setSnapToGrid);
  const setDialog = useAppStore((s) => s.setDialog);
  const phase = useAppStore((s) => s.run.phase);
  const empty = useAppStore((s) => s.doc.nodes.length === 0);
  const busy = phase === 'starting' || phase === 'running' || phase === 'stopping';
  return (
    <header className="toolbar" aria-label="Toolbar">
      <span className="brand">LoRA Studio</span>
      <h1 className="doc-name" title={path ?? 'Not saved yet'}>
        <span className="name">{path ? baseName(path) : name}</span>
        {dirty && (
          <span className="dirty" aria-label="unsaved changes">
            ● unsaved
          </span>
        )}
      </h1>
      <button type="button" className="btn" onClick={() => void actions.file.newGraph()} title="New graph (Alt+N)">
        New
      </button>
      <button type="button" className="btn" onClick={() => void actions.file.open()} title="Open a graph or a ComfyUI workflow (Ctrl+O)">
        Open…
      </button>
      <RecentMenu />
      <ExamplesMenu />
      <button type="button" className="btn" onClick={() => void actions.file.save()} title="Save (Ctrl+S)">
        Save
      </button>
      <button type="button" className="btn" onClick={() => void actions.file.saveAs()} title="Save as (Ctrl+Shift+S)">
        Save as…
      </button>
      <span className="sep" />
      <button type="button" className="btn icon" onClick={undo} disabled={!canUndo} aria-label="Undo" title={canUndo ? `Undo ${undoLabel ?? ''} (Ctrl+Z)` : 'Nothing to undo'}>
        ↶
      </button>
      <button type="button" className="btn icon" onClick={redo} disabled={!canRedo} aria-label="Redo" title={canRedo ? `Redo ${redoLabel ?? ''} (Ctrl+Shift+Z)` : 'Nothing to redo'}>
        ↷
      </button>
      <span className="sep" />
      <button type="button" className="btn" onClick={actions.canvas.autoLayout} aria-label="Auto layout" title="Auto layout (L)">
        Layout
      </button>
      <button type="button" className="btn" onClick={actions.canvas.fitView} aria-label="Fit view" title="Fit the graph in view (F)">
        Fit
      </button>
      <button type="button" className={`btn ${snap ? 'pressed' : ''}`} aria-pressed={snap} aria-label="Snap to grid" onClick={() => setSnap(!snap)} title="Snap to a 20 px grid (otherwise nodes snap into alignment with their neighbours)">
        Grid
      </button>
      <span className="grow" />
      <button type="button" className="btn primary" onClick={() => void actions.run.run()} disabled={busy || empty} aria-label="Run" title={empty ? 'Add nodes to run first' : 'Run the graph (Ctrl+Enter)'}>
        ▶ Run
      </button>
      <button type="button" className="btn danger" onClick={() => void actions.run.stop()} disabled={!busy || phase === 'stopping'} aria-label="Stop" title="Stop the run (Ctrl+.)">
        ■ Stop
      </button>
      <span className="sep" />
      <button type="button" className="btn icon" onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')} aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'} title="Light / dark (Alt+T)">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <button type="button" className="btn" onClick={() => setDialog({ kind: 'import-settings' })} aria-label="ComfyUI models folder" title="ComfyUI models folder: where imported workflows find their checkpoints and LoRAs">
        Models…
      </button>
      <button type="button" className="btn icon" onClick={() => setDialog({ kind: 'shortcuts' })} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
        ?
      </button>
    </header>
  );
}
