import { useState } from 'react';
import { baseName } from '../format/format.js';
import { InspectionView } from '../panels/inspection/InspectionView.js';
import { useFileInspection } from '../panels/inspection/use-file-inspection.js';
import { useAppStore } from '../store/store-context.js';
import { Dialog } from './Dialog.js';

function InspectBody({ path }: { readonly path: string }) {
  const [hashes, setHashes] = useState(false);
  // Always read again: a run may have rewritten the file since it was last inspected.
  const state = useFileInspection({ path, ...(hashes ? { hashes: true } : {}) }, 1);
  if (state.state === 'loading' || state.state === 'idle') return <p role="status">Reading {path}…</p>;
  if (state.state === 'error')
    return (
      <p className="error" role="alert">
        {state.message}
      </p>
    );
  return <InspectionView result={state.result} onComputeHashes={() => setHashes(true)} />;
}

/** An output of the run, inspected like an input file. */
export function InspectFileDialog() {
  const dialog = useAppStore((s) => s.dialog);
  const setDialog = useAppStore((s) => s.setDialog);
  if (dialog.kind !== 'inspect-file') return null;
  return (
    <Dialog title={`Inspect ${baseName(dialog.path)}`} onClose={() => setDialog({ kind: 'none' })}>
      <p className="mono">{dialog.path}</p>
      <div className="inspector">
        <InspectBody path={dialog.path} />
      </div>
    </Dialog>
  );
}
