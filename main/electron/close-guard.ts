/**
 * The unsaved-changes prompt. The renderer reports its document state (setDocumentState); closing a window
 * with unsaved changes asks Save / Don't Save / Cancel. Save sends "save-and-close" to the renderer, which
 * saves and calls closeWindow. A clean close (nothing unsaved, or Don't Save) removes the document's
 * autosave; a crash leaves it, so the next start offers recovery.
 */
import type { DocumentState } from '../../shared/ipc/files.js';

export type CloseChoice = 'save' | 'discard' | 'cancel';

export interface CloseGuardDeps {
  ask(state: DocumentState): Promise<CloseChoice>;
  requestSaveAndClose(): void;
  closedCleanly(graphPath: string | null): Promise<void>;
  /** Closes the window for real (the guard lets this one through). */
  close(): void;
}

export interface CloseGuard {
  setState(state: DocumentState): void;
  /** Call from the window's 'close' event; returns true when the close must be prevented. */
  onClose(): boolean;
  /** Close without prompting (closeWindow after save-and-close, or Don't Save). */
  closeNow(): void;
}

export function createCloseGuard(deps: CloseGuardDeps): CloseGuard {
  let state: DocumentState | null = null;
  let allowed = false;
  let asking = false;

  const finish = (): void => {
    allowed = true;
    void deps.closedCleanly(state?.path ?? null).finally(() => deps.close());
  };

  return {
    setState(s) {
      state = s;
    },
    onClose() {
      if (allowed) return false;
      if (!state?.dirty) {
        finish();
        return true;
      }
      if (!asking) {
        asking = true;
        const current = state;
        void deps
          .ask(current)
          .then((choice) => {
            if (choice === 'save') deps.requestSaveAndClose();
            else if (choice === 'discard') finish();
          })
          .finally(() => {
            asking = false;
          });
      }
      return true;
    },
    closeNow() {
      finish();
    },
  };
}
