import type { ImportReport } from '../../../shared/comfyui/import-report.js';
import type { PortType } from '../../../shared/nodes/index.js';
import type { SliceCreator } from './slice.js';

export type Theme = 'light' | 'dark';
export type BottomTab = 'run' | 'problems' | 'log' | 'reports';

export interface Toast {
  readonly id: number;
  readonly kind: 'info' | 'error' | 'warning';
  readonly message: string;
  readonly hint?: string;
}

/** Where the quick search was opened and, for a drag from a port, which port the new node connects to. */
export interface QuickAddRequest {
  readonly screen: { readonly x: number; readonly y: number };
  readonly flow: { readonly x: number; readonly y: number };
  readonly from?: { readonly nodeId: string; readonly port: string; readonly side: 'output' | 'input'; readonly type: PortType };
}

/** A right-click menu: where it opened (screen and canvas coordinates) and on what. */
export interface ContextMenuRequest {
  readonly screen: { readonly x: number; readonly y: number };
  readonly flow: { readonly x: number; readonly y: number };
  readonly target: { readonly kind: 'node'; readonly nodeId: string } | { readonly kind: 'edge'; readonly edgeId: string } | { readonly kind: 'canvas' };
}

export type Dialog =
  | { readonly kind: 'shortcuts' }
  | { readonly kind: 'inspect-file'; readonly path: string }
  | { readonly kind: 'import-report'; readonly report: ImportReport }
  | { readonly kind: 'import-settings' }
  | { readonly kind: 'none' };

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface RecoveryNotice {
  readonly savedAt: number;
  readonly path: string | null;
}

export interface UiSlice {
  readonly theme: Theme;
  readonly toasts: readonly Toast[];
  readonly quickAdd: QuickAddRequest | null;
  readonly contextMenu: ContextMenuRequest | null;
  /** The node whose title is being edited on the canvas (Rename in its menu). */
  readonly renamingNode: string | null;
  readonly dialog: Dialog;
  readonly bottomTab: BottomTab;
  /** Height of the bottom panel in pixels (dragged by its splitter). */
  readonly bottomHeight: number;
  readonly snapToGrid: boolean;
  /** Browser mode's event socket; `epoch` counts reconnections (the run state is resynchronised after each). */
  readonly connection: { readonly state: ConnectionState; readonly epoch: number };
  /** The document was restored from an autosave at start-up. */
  readonly recoveryNotice: RecoveryNotice | null;
  /** Bumped when a document is loaded: the canvas fits it in view once its nodes are measured. */
  readonly fitRequest: number;
  setTheme(theme: Theme): void;
  toast(kind: Toast['kind'], message: string, hint?: string): number;
  dismissToast(id: number): void;
  openQuickAdd(request: QuickAddRequest): void;
  closeQuickAdd(): void;
  openContextMenu(request: ContextMenuRequest): void;
  closeContextMenu(): void;
  setRenamingNode(nodeId: string | null): void;
  setDialog(dialog: Dialog): void;
  setBottomTab(tab: BottomTab): void;
  setBottomHeight(px: number): void;
  setSnapToGrid(on: boolean): void;
  setConnectionState(state: ConnectionState): void;
  setRecoveryNotice(notice: RecoveryNotice | null): void;
  requestFit(): void;
}

let nextToastId = 1;
/** Toasts kept at once; older ones go. */
const TOAST_LIMIT = 4;

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  theme: 'light',
  toasts: [],
  quickAdd: null,
  contextMenu: null,
  renamingNode: null,
  dialog: { kind: 'none' },
  bottomTab: 'run',
  bottomHeight: 240,
  snapToGrid: false,
  connection: { state: 'open', epoch: 0 },
  recoveryNotice: null,
  fitRequest: 0,
  setTheme: (theme) => set({ theme }),
  toast(kind, message, hint) {
    const id = nextToastId++;
    set({ toasts: [...get().toasts, { id, kind, message, ...(hint !== undefined ? { hint } : {}) }].slice(-TOAST_LIMIT) });
    return id;
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
  openQuickAdd: (quickAdd) => set({ quickAdd }),
  closeQuickAdd: () => set({ quickAdd: null }),
  openContextMenu: (contextMenu) => set({ contextMenu, quickAdd: null }),
  closeContextMenu: () => set({ contextMenu: null }),
  setRenamingNode: (renamingNode) => set({ renamingNode }),
  setDialog: (dialog) => set({ dialog }),
  setBottomTab: (bottomTab) => {
    // Reports need room for their plots: the panel grows when they are shown.
    const minimum = bottomTab === 'reports' ? Math.round(window.innerHeight * 0.5) : 0;
    set({ bottomTab, bottomHeight: Math.max(get().bottomHeight, minimum) });
  },
  setBottomHeight: (px) => set({ bottomHeight: Math.round(Math.min(Math.max(px, 90), window.innerHeight * 0.8)) }),
  setSnapToGrid: (snapToGrid) => set({ snapToGrid }),
  setConnectionState: (state) => {
    const c = get().connection;
    if (c.state === state) return;
    set({ connection: { state, epoch: state === 'open' && c.state !== 'open' ? c.epoch + 1 : c.epoch } });
  },
  setRecoveryNotice: (recoveryNotice) => set({ recoveryNotice }),
  requestFit: () => set({ fitRequest: get().fitRequest + 1 }),
});
