import { usePlatform } from '../api/api-context.js';
import { useActions } from '../app/actions-context.js';
import { formatTime } from '../format/format.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';

export function RecoveryBanner() {
  const { api } = usePlatform();
  const actions = useActions();
  const store = useAppStoreApi();
  const notice = useAppStore((s) => s.recoveryNotice);
  const setNotice = useAppStore((s) => s.setRecoveryNotice);
  if (!notice) return null;
  return (
    <div className="banner" role="status">
      <span>
        Restored unsaved changes{notice.path ? ` to ${notice.path}` : ''} from {formatTime(notice.savedAt)} (the last session did not close cleanly).
      </span>
      <button type="button" className="btn small" onClick={() => setNotice(null)}>
        Keep
      </button>
      <button
        type="button"
        className="btn small danger"
        onClick={async () => {
          setNotice(null);
          await api.discardRecovery().catch(() => undefined);
          // The user chose to drop these changes: no "unsaved changes" question on the way out.
          store.getState().markOpened(store.getState().filePath);
          if (notice.path) await actions.file.open(notice.path);
          else await actions.file.newGraph();
        }}
      >
        Discard
      </button>
    </div>
  );
}

export function ConnectionBanner() {
  const state = useAppStore((s) => s.connection.state);
  if (state !== 'closed') return null;
  return (
    <div className="banner" role="alert">
      Lost the connection to the LoRA Studio engine; reconnecting… (is <code>lora-studio serve</code> still running?)
    </div>
  );
}
