import { useEffect } from 'react';
import { useReactFlow } from '@xyflow/react';
import { copySelection, cutSelection, lastCopiedText, pasteText } from '../actions/clipboard.js';
import { lastCanvasPointer } from '../canvas/pointer.js';
import type { AppStore } from '../store/app-store.js';
import { isEditable } from './use-shortcuts.js';

/**
 * Copy, cut and paste of nodes through the system clipboard as JSON text (so they travel between windows
 * and into a text editor), on the browser's own clipboard events: no permission prompt. A copy inside
 * this window is also remembered, for pastes where the clipboard is not readable.
 */
export function useClipboard(store: AppStore): void {
  const rf = useReactFlow();
  useEffect(() => {
    const textSelected = (): boolean => (window.getSelection()?.toString() ?? '') !== '';
    const onCopy = (e: ClipboardEvent, cut: boolean): void => {
      if (isEditable(e.target) || textSelected()) return;
      const text = cut ? cutSelection(store) : copySelection(store);
      if (text === undefined) return;
      e.clipboardData?.setData('text/plain', text);
      e.preventDefault();
    };
    const onPaste = (e: ClipboardEvent): void => {
      if (isEditable(e.target)) return;
      const text = e.clipboardData?.getData('text/plain') || lastCopiedText();
      if (!text) return;
      const pointer = lastCanvasPointer();
      const ids = pasteText(store, text, pointer ? rf.screenToFlowPosition(pointer) : undefined);
      if (ids === undefined) return;
      e.preventDefault();
      if (ids.length > 0) store.getState().toast('info', `Pasted ${ids.length} node${ids.length === 1 ? '' : 's'}.`);
    };
    const copy = (e: ClipboardEvent) => onCopy(e, false);
    const cut = (e: ClipboardEvent) => onCopy(e, true);
    document.addEventListener('copy', copy);
    document.addEventListener('cut', cut);
    document.addEventListener('paste', onPaste);
    return () => {
      document.removeEventListener('copy', copy);
      document.removeEventListener('cut', cut);
      document.removeEventListener('paste', onPaste);
    };
  }, [store, rf]);
}
