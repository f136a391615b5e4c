import { useEffect } from 'react';
import { useAppStore } from '../store/store-context.js';
import type { Toast } from '../store/ui-slice.js';

/** How long a toast stays; errors stay until dismissed. */
const INFO_MS = 4000;

function ToastItem({ toast }: { readonly toast: Toast }) {
  const dismiss = useAppStore((s) => s.dismissToast);
  useEffect(() => {
    if (toast.kind === 'error') return;
    const t = setTimeout(() => dismiss(toast.id), toast.kind === 'warning' ? INFO_MS * 2 : INFO_MS);
    return () => clearTimeout(t);
  }, [toast, dismiss]);
  return (
    <div className={`toast ${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <div className="grow">
        <div>{toast.message}</div>
        {toast.hint && <div className="hint">{toast.hint}</div>}
      </div>
      <button type="button" className="btn small icon" aria-label="Dismiss" onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </div>
  );
}

export function Toasts() {
  const toasts = useAppStore((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
