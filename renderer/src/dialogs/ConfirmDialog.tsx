import { useAppStore } from '../store/store-context.js';
import { Dialog } from './Dialog.js';

export function ConfirmDialog() {
  const request = useAppStore((s) => s.confirmDialog);
  const close = useAppStore((s) => s.closeConfirm);
  if (!request) return null;
  return (
    <Dialog
      title={request.title}
      narrow
      onClose={() => close(null)}
      footer={request.choices.map((c, i) => (
        <button key={c.id} type="button" className={`btn ${i === 0 ? 'primary' : ''} ${c.danger ? 'danger' : ''}`} autoFocus={i === 0} onClick={() => close(c.id)}>
          {c.label}
        </button>
      ))}
    >
      <p>{request.message}</p>
    </Dialog>
  );
}
