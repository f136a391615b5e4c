/**
 * Fields commit what is typed when they lose focus. A keyboard shortcut (Ctrl+Enter, Ctrl+S) pressed while
 * typing must act on the value on screen, so it first takes the focus away: the field commits
 * synchronously, before the run or the save reads the document.
 */
export function commitPendingEdits(): void {
  if (typeof document === 'undefined') return;
  const el = document.activeElement;
  if (el instanceof HTMLElement && el !== document.body) el.blur();
}
