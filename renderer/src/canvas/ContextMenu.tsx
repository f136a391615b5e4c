import { useEffect, useRef, useState, type ReactNode } from 'react';
import { nodeTitle } from '../../../shared/graph/index.js';
import { CATEGORY_INFO, NODE_CATEGORIES, NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { addNodeOfType } from '../actions/add-node-of-type.js';
import { duplicateSelection, lastCopiedText, pasteText } from '../actions/clipboard.js';
import { deleteSelection } from '../actions/delete-selection.js';
import { insertOnEdge } from '../actions/insert-on-edge.js';
import { toggleNodeMode } from '../actions/toggle-node-mode.js';
import { useActions } from '../app/actions-context.js';
import { setCollapsed } from '../edits/set-collapsed.js';
import type { ContextMenuRequest } from '../store/ui-slice.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';

const SCALE_LORA = 'lora-studio/scale-lora';
const MENU_WIDTH = 240;

function Item({ label, hint, onSelect, disabled }: { readonly label: string; readonly hint?: string; readonly onSelect: () => void; readonly disabled?: boolean }) {
  return (
    <button type="button" role="menuitem" disabled={disabled} onClick={onSelect}>
      <span>{label}</span>
      {hint && <span className="shortcut">{hint}</span>}
    </button>
  );
}

/** Right-click menus on a node, an edge and the empty canvas; every entry is also a shortcut or a gesture. */
export function ContextMenu() {
  const request = useAppStore((s) => s.contextMenu);
  const store = useAppStoreApi();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!request) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) store.getState().closeContextMenu();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        store.getState().closeContextMenu();
        e.stopPropagation();
      }
    };
    window.addEventListener('pointerdown', onDown, true);
    window.addEventListener('keydown', onKey, true);
    root.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => {
      window.removeEventListener('pointerdown', onDown, true);
      window.removeEventListener('keydown', onKey, true);
    };
  }, [request, store]);
  if (!request) return null;
  const left = Math.min(request.screen.x, window.innerWidth - MENU_WIDTH - 8);
  const top = Math.min(request.screen.y, window.innerHeight - 300);
  return (
    <div ref={root} className="menu context-menu" role="menu" aria-label={menuLabel(request)} style={{ position: 'fixed', left, top, width: MENU_WIDTH, marginTop: 0 }}>
      {request.target.kind === 'node' && <NodeEntries nodeId={request.target.nodeId} />}
      {request.target.kind === 'edge' && <EdgeEntries edgeId={request.target.edgeId} flow={request.flow} />}
      {request.target.kind === 'canvas' && <CanvasEntries flow={request.flow} />}
    </div>
  );
}

function menuLabel(r: ContextMenuRequest): string {
  return r.target.kind === 'node' ? 'Node menu' : r.target.kind === 'edge' ? 'Connection menu' : 'Canvas menu';
}

function useClose(): () => void {
  const store = useAppStoreApi();
  return () => store.getState().closeContextMenu();
}

function NodeEntries({ nodeId }: { readonly nodeId: string }) {
  const store = useAppStoreApi();
  const close = useClose();
  const node = useAppStore((s) => s.doc.nodes.find((n) => n.id === nodeId));
  const selection = useAppStore((s) => s.selection.nodes);
  if (!node) return null;
  const ids = selection.includes(nodeId) ? selection : [nodeId];
  const many = ids.length > 1 ? ` ${ids.length} nodes` : '';
  const run = (f: () => void) => () => {
    close();
    f();
  };
  return (
    <>
      <div className="menu-note">{nodeTitle(node, NODE_REGISTRY)}</div>
      <Item label="Rename" hint="double-click title" onSelect={run(() => store.getState().setRenamingNode(nodeId))} />
      <Item label={`Duplicate${many}`} hint="Ctrl+D" onSelect={run(() => duplicateSelection(store))} />
      <Item label={node.mode === 'bypass' ? 'Turn bypass off' : `Bypass${many}`} hint="Ctrl+B" onSelect={run(() => toggleNodeMode(store, 'bypass', ids))} />
      <Item label={node.mode === 'mute' ? 'Turn mute off' : `Mute${many}`} hint="Ctrl+M" onSelect={run(() => toggleNodeMode(store, 'mute', ids))} />
      <Item label={node.collapsed ? 'Expand' : 'Collapse'} hint="H" onSelect={run(() => store.getState().dispatch(setCollapsed(ids, !node.collapsed)))} />
      <Item
        label="Documentation"
        onSelect={run(() => {
          store.getState().selectNodes([nodeId]);
          requestAnimationFrame(() => document.querySelector('.inspector [aria-label="Documentation"]')?.scrollIntoView({ block: 'start' }));
        })}
      />
      <Item label={`Delete${many}`} hint="Del" onSelect={run(() => deleteSelection(store))} />
    </>
  );
}

function EdgeEntries({ edgeId, flow }: { readonly edgeId: string; readonly flow: { x: number; y: number } }) {
  const store = useAppStoreApi();
  const close = useClose();
  const carriesLora = useAppStore((s) => {
    const e = s.doc.edges.find((x) => x.id === edgeId);
    const src = e && s.doc.nodes.find((n) => n.id === e.source);
    return NODE_REGISTRY.get(src?.type ?? '')?.outputs.find((p) => p.name === e?.sourcePort)?.type === 'lora';
  });
  return (
    <>
      <Item
        label="Insert Scale LoRA"
        disabled={!carriesLora}
        onSelect={() => {
          close();
          insertOnEdge(store, edgeId, SCALE_LORA, { x: flow.x - 120, y: flow.y - 40 });
        }}
      />
      <Item
        label="Delete connection"
        hint="Del"
        onSelect={() => {
          close();
          store.getState().selectEdge(edgeId);
          deleteSelection(store);
        }}
      />
    </>
  );
}

function CanvasEntries({ flow }: { readonly flow: { x: number; y: number } }) {
  const store = useAppStoreApi();
  const actions = useActions();
  const close = useClose();
  const [category, setCategory] = useState<string | null>(null);
  const paste = async (): Promise<void> => {
    close();
    // Nodes copied in this window first; else the system clipboard (Electron, or a browser that allows it:
    // a permission prompt must not leave the menu waiting).
    const text = lastCopiedText() ?? (await Promise.race([navigator.clipboard.readText().catch(() => null), new Promise<null>((r) => setTimeout(() => r(null), 500))]));
    const ids = text ? pasteText(store, text, flow) : undefined;
    if (!ids) store.getState().toast('info', 'Nothing to paste: copy nodes first (Ctrl+C).');
  };
  const sub: ReactNode =
    category === null
      ? null
      : NODE_REGISTRY.list()
          .filter((d) => d.category === category)
          .map((d) => (
            <Item
              key={d.type}
              label={d.title}
              onSelect={() => {
                close();
                addNodeOfType(store, d.type, { x: Math.round(flow.x), y: Math.round(flow.y) });
              }}
            />
          ));
  return (
    <>
      <div className="menu-note">Add node</div>
      {NODE_CATEGORIES.map((c) => (
        <div key={c}>
          <button type="button" role="menuitem" className="category" aria-haspopup="menu" aria-expanded={category === c} onClick={() => setCategory(category === c ? null : c)}>
            <span className="swatch" style={{ background: CATEGORY_INFO[c].color }} aria-hidden="true" /> {c} {category === c ? '▾' : '▸'}
          </button>
          {category === c && (
            <div className="submenu" role="menu" aria-label={`${c} nodes`}>
              {sub}
            </div>
          )}
        </div>
      ))}
      <hr />
      <Item label="Paste" hint="Ctrl+V" onSelect={() => void paste()} />
      <Item
        label="Arrange (auto layout)"
        hint="L"
        onSelect={() => {
          close();
          actions.canvas.autoLayout();
        }}
      />
      <Item
        label="Fit view"
        hint="F"
        onSelect={() => {
          close();
          actions.canvas.fitView();
        }}
      />
    </>
  );
}
