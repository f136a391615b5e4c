import type { FileFilter } from '../../../shared/nodes/index.js';
import type { SliceCreator } from './slice.js';

/** The in-app file browser (browser mode has no native dialogs; it lists the engine machine's folders). */
export interface FileDialogRequest {
  readonly mode: 'open' | 'save' | 'directory';
  readonly title: string;
  readonly filters: readonly FileFilter[];
  readonly allowDirectory: boolean;
  readonly defaultPath?: string;
  readonly suggestedName?: string;
  readonly resolve: (path: string | null) => void;
}

export interface ConfirmRequest {
  readonly title: string;
  readonly message: string;
  /** Buttons, first is the default; the answer is the chosen id, or null when dismissed. */
  readonly choices: readonly { readonly id: string; readonly label: string; readonly danger?: boolean }[];
  readonly resolve: (choice: string | null) => void;
}

export interface DialogSlice {
  readonly fileDialog: FileDialogRequest | null;
  readonly confirmDialog: ConfirmRequest | null;
  /** Resolves with the chosen path, or null when cancelled. */
  browseForPath(request: Omit<FileDialogRequest, 'resolve'>): Promise<string | null>;
  confirm(request: Omit<ConfirmRequest, 'resolve'>): Promise<string | null>;
  closeFileDialog(path: string | null): void;
  closeConfirm(choice: string | null): void;
}

export const createDialogSlice: SliceCreator<DialogSlice> = (set, get) => ({
  fileDialog: null,
  confirmDialog: null,
  browseForPath(request) {
    get().fileDialog?.resolve(null);
    return new Promise((resolve) => set({ fileDialog: { ...request, resolve } }));
  },
  confirm(request) {
    get().confirmDialog?.resolve(null);
    return new Promise((resolve) => set({ confirmDialog: { ...request, resolve } }));
  },
  closeFileDialog(path) {
    const d = get().fileDialog;
    set({ fileDialog: null });
    d?.resolve(path);
  },
  closeConfirm(choice) {
    const d = get().confirmDialog;
    set({ confirmDialog: null });
    d?.resolve(choice);
  },
});
