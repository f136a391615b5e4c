import { canConnect, createEdge, type Connection, type ConnectResult } from '../../../shared/graph/index.js';
import { NODE_REGISTRY, type NodeRegistry } from '../../../shared/nodes/index.js';
import { connect } from '../edits/connect.js';
import type { AppStore } from '../store/app-store.js';

/**
 * Connects two ports if the shared canConnect allows it (a taken single-input port is replaced, as when
 * dropping onto it); otherwise leaves the document alone and returns the refusal with its reason.
 */
export function tryConnect(store: AppStore, c: Connection, registry: NodeRegistry = NODE_REGISTRY): ConnectResult {
  const s = store.getState();
  const verdict = canConnect(s.doc, registry, c, { replace: true });
  if (!verdict.ok) return verdict;
  const target = s.doc.nodes.find((n) => n.id === c.target);
  s.dispatch(connect(createEdge(target ? registry.get(target.type) : undefined, c, s.ids), verdict.replaces));
  return verdict;
}
