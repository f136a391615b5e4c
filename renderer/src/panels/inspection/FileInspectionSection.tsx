import { useState } from 'react';
import type { GraphNode } from '../../../../shared/graph/index.js';
import { NODE_REGISTRY, NODE_TYPES } from '../../../../shared/nodes/index.js';
import { findBaseModelPath } from '../../graph/find-base-model.js';
import { resolveAgainst } from '../../graph/paths.js';
import { useAppStore } from '../../store/store-context.js';
import { InspectionView } from './InspectionView.js';
import { useFileInspection } from './use-file-inspection.js';

/**
 * Load Model / Load LoRA: what the file is. A LoRA used with a model (through Apply LoRA, Probe, Inspect)
 * is also mapped onto that model: matched modules per block and every unmatched key with the reason.
 */
export function FileInspectionSection({ node }: { readonly node: GraphNode }) {
  const dir = useAppStore((s) => s.sourceDir);
  const written = typeof node.params.path === 'string' ? node.params.path.trim() : '';
  const path = resolveAgainst(dir, written);
  const baseWritten = useAppStore((s) => (node.type === NODE_TYPES.loadLora ? findBaseModelPath(s.doc, node.id, NODE_REGISTRY) : undefined));
  const base = baseWritten !== undefined ? resolveAgainst(dir, baseWritten) : undefined;
  const [hashes, setHashes] = useState(false);
  const [reload, setReload] = useState(0);
  const state = useFileInspection(path === '' ? null : { path, ...(base !== undefined ? { base } : {}), ...(hashes ? { hashes: true } : {}) }, reload);
  return (
    <section aria-label="File">
      <h3 className="row">
        <span className="grow">File</span>
        {path !== '' && (
          <button type="button" className="btn small" onClick={() => setReload((n) => n + 1)} title="Read the file again (it may have changed on disk)">
            Reload
          </button>
        )}
      </h3>
      {path === '' && <p className="muted">Choose a file to see its format, architecture, ranks and metadata.</p>}
      {state.state === 'loading' && <p className="muted" role="status">Reading {path}…</p>}
      {state.state === 'error' && (
        <div className="problems">
          <p className="error" role="alert">
            {state.message}
          </p>
          {state.hint && <p className="muted">{state.hint}</p>}
        </div>
      )}
      {state.state === 'done' && <InspectionView result={state.result} onComputeHashes={() => setHashes(true)} />}
      {node.type === NODE_TYPES.loadLora && base === undefined && path !== '' && <p className="muted">Connect this LoRA (through Apply LoRA) to a Load Model to see how its modules map onto that model.</p>}
    </section>
  );
}
