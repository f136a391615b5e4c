import { canConnect, createEdge, createNode, type Position } from '../../../shared/graph/index.js';
import { NODE_REGISTRY, type NodeRegistry } from '../../../shared/nodes/index.js';
import { addNode } from '../edits/add-node.js';
import { composite, type Edit } from '../edits/edit.js';
import { connect } from '../edits/connect.js';
import type { AppStore } from '../store/app-store.js';

export interface ConnectTo {
  /** The existing node and port the new node is wired to. */
  readonly nodeId: string;
  readonly port: string;
  /** 'output': the existing port is an output, so the new node's input `newPort` takes it. */
  readonly side: 'output' | 'input';
  readonly newPort: string;
}

/**
 * Adds a node of `type` at `position` (one history entry, with its connection when dropped from a port)
 * and selects it. Returns the new node's id, or undefined for an unknown type.
 */
export function addNodeOfType(store: AppStore, type: string, position: Position, connectTo?: ConnectTo, registry: NodeRegistry = NODE_REGISTRY): string | undefined {
  const def = registry.get(type);
  if (!def) return undefined;
  const s = store.getState();
  const id = s.ids.nodeId(type);
  const node = createNode(def, id, position);
  const edits: Edit[] = [addNode(node, def.title)];
  if (connectTo) {
    const c =
      connectTo.side === 'output'
        ? { source: connectTo.nodeId, sourcePort: connectTo.port, target: id, targetPort: connectTo.newPort }
        : { source: id, sourcePort: connectTo.newPort, target: connectTo.nodeId, targetPort: connectTo.port };
    const withNode = { ...s.doc, nodes: [...s.doc.nodes, node] };
    const verdict = canConnect(withNode, registry, c, { replace: true });
    if (verdict.ok) {
      const targetDef = registry.get(c.target === id ? type : (withNode.nodes.find((n) => n.id === c.target)?.type ?? ''));
      edits.push(connect(createEdge(targetDef, c, s.ids), verdict.replaces));
    }
  }
  s.dispatch(edits.length === 1 ? (edits[0] as Edit) : composite(`Add ${def.title}`, edits));
  s.selectNodes([id]);
  return id;
}
