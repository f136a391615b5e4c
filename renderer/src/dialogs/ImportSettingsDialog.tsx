import { useEffect, useState } from 'react';
import { usePlatform } from '../api/api-context.js';
import { PlatformApiError } from '../../../shared/ipc/errors.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';
import { Dialog } from './Dialog.js';

const YAML_FILTERS = [{ name: 'YAML', extensions: ['yaml', 'yml'] }];

/** The app setting for the ComfyUI import: where ComfyUI keeps its models (and its extra_model_paths.yaml). */
export function ImportSettingsDialog() {
  const open = useAppStore((s) => s.dialog.kind === 'import-settings');
  if (!open) return null;
  return <ImportSettingsForm />;
}

function ImportSettingsForm() {
  const { api, info } = usePlatform();
  const store = useAppStoreApi();
  const setDialog = useAppStore((s) => s.setDialog);
  const [modelsDir, setModelsDir] = useState('');
  const [extra, setExtra] = useState('');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void api.getImportSettings().then(
      (s) => {
        setModelsDir(s.modelsDir ?? '');
        setExtra(s.extraModelPaths ?? '');
      },
      () => undefined,
    );
  }, [api]);
  const close = () => setDialog({ kind: 'none' });

  const choose = async (mode: 'directory' | 'open', current: string, set: (p: string) => void) => {
    const title = mode === 'directory' ? 'ComfyUI models folder' : 'extra_model_paths.yaml';
    const request = { mode, title, filters: mode === 'open' ? YAML_FILTERS : [], allowDirectory: mode === 'directory', ...(current !== '' ? { defaultPath: current } : {}) };
    // The dialog covers this one; this one comes back when it closes.
    const chosen = info.capabilities.nativeDialogs ? await api.pickFile(request) : await store.getState().browseForPath(request);
    if (chosen !== null) set(chosen);
  };

  const save = async () => {
    try {
      const stored = await api.setImportSettings({ modelsDir: modelsDir.trim() === '' ? null : modelsDir.trim(), extraModelPaths: extra.trim() === '' ? null : extra.trim() });
      store.getState().toast('info', stored.modelsDir !== null || stored.extraModelPaths !== null ? 'ComfyUI model folders saved: the next import resolves names there.' : 'ComfyUI model folders cleared.');
      close();
    } catch (e) {
      setError(e instanceof PlatformApiError ? `${e.message}${e.hint ? ` ${e.hint}` : ''}` : String(e));
    }
  };

  return (
    <Dialog
      title="ComfyUI models folder"
      narrow
      onClose={close}
      footer={
        <>
          <button type="button" className="btn" onClick={close}>
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={() => void save()}>
            Save
          </button>
        </>
      }
    >
      <form
        className="import-settings"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <p className="muted">Workflow imports look for checkpoints, LoRAs and diffusion models here (sub-folders kept, as ComfyUI lists them); merged models are saved into its checkpoints folder.</p>
        <label>
          Models folder (with checkpoints/ and loras/ inside)
          <span className="row">
            <input type="text" className="mono" value={modelsDir} onChange={(e) => setModelsDir(e.target.value)} placeholder="~/ComfyUI/models" spellCheck={false} />
            <button type="button" className="btn small" onClick={() => void choose('directory', modelsDir, setModelsDir)}>
              Choose…
            </button>
          </span>
        </label>
        <label>
          extra_model_paths.yaml (optional)
          <span className="row">
            <input type="text" className="mono" value={extra} onChange={(e) => setExtra(e.target.value)} placeholder="~/ComfyUI/extra_model_paths.yaml" spellCheck={false} />
            <button type="button" className="btn small" onClick={() => void choose('open', extra, setExtra)}>
              Choose…
            </button>
          </span>
        </label>
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" hidden />
      </form>
    </Dialog>
  );
}
