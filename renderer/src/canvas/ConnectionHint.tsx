import { useConnection } from '@xyflow/react';
import { canConnect } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { useAppStoreApi } from '../store/store-context.js';

/**
 * While a connection is dragged over a port that refuses it, says why (the shared canConnect's reason),
 * next to the pointer.
 */
export function ConnectionHint() {
  const store = useAppStoreApi();
  const c = useConnection();
  if (!c.inProgress || !c.toHandle || c.isValid !== false) return null;
  const from = c.fromHandle;
  const to = c.toHandle;
  const [source, target] = from.type === 'source' ? [from, to] : [to, from];
  const verdict = canConnect(store.getState().doc, NODE_REGISTRY, { source: source.nodeId, sourcePort: source.id ?? '', target: target.nodeId, targetPort: target.id ?? '' }, { replace: true });
  if (verdict.ok) return null;
  const rect = (document.querySelector('.react-flow') as HTMLElement | null)?.getBoundingClientRect();
  const left = (rect?.left ?? 0) + c.pointer.x + 14;
  const top = (rect?.top ?? 0) + c.pointer.y + 14;
  return (
    <div className="connection-hint" role="tooltip" style={{ left, top }}>
      {verdict.reason}
    </div>
  );
}
