/** Building and upgrading document parts the way the UI and the example generators need them. */
import type { AnyNodeDefinition } from '../nodes/definition.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { Connection, GraphDocument, GraphEdge, GraphNode, JsonValue, Position } from './document.js';
import type { IdAllocator } from './ids.js';
import { migrateNodeParams } from './node-params.js';

/** A node of this definition with every param at its default, written out (the file shows the values used). */
export function createNode(def: AnyNodeDefinition, id: string, position: Position, params: Readonly<Record<string, JsonValue>> = {}): GraphNode {
  return { id, type: def.type, typeVersion: def.version, position: { x: position.x, y: position.y }, params: { ...(def.defaults() as Record<string, JsonValue>), ...params } };
}

/** An edge for a connection canConnect accepted; edge params default for multi ports that define them. */
export function createEdge(def: AnyNodeDefinition | undefined, c: Connection, ids: IdAllocator): GraphEdge {
  const port = def?.inputs.find((p) => p.name === c.targetPort);
  const edge: GraphEdge = { id: ids.edgeId(), source: c.source, sourcePort: c.sourcePort, target: c.target, targetPort: c.targetPort };
  if (port?.edgeParams) {
    const params: Record<string, JsonValue> = {};
    for (const [k, f] of Object.entries(port.edgeParams)) params[k] = JSON.parse(JSON.stringify(f.default)) as JsonValue;
    edge.params = params;
  }
  return edge;
}

export interface UpgradeOutcome {
  readonly document: GraphDocument;
  /** Nodes whose params were migrated to their definition's current version. */
  readonly upgraded: readonly { nodeId: string; from: number; to: number }[];
}

/**
 * Applies node migrations in the document itself (the UI does this on open, so the inspector shows current
 * params). Nodes of unknown types, newer versions or failing migrations are left untouched; validation
 * reports them.
 */
export function upgradeNodes(doc: GraphDocument, registry: NodeRegistry): UpgradeOutcome {
  const upgraded: { nodeId: string; from: number; to: number }[] = [];
  const nodes = doc.nodes.map((n) => {
    const def = registry.get(n.type);
    if (!def || n.typeVersion >= def.version) return n;
    const r = migrateNodeParams(def, n.typeVersion, n.params);
    if (!r.ok) return n;
    upgraded.push({ nodeId: n.id, from: n.typeVersion, to: def.version });
    return { ...n, typeVersion: def.version, params: JSON.parse(JSON.stringify(r.params)) as Record<string, JsonValue> };
  });
  return { document: upgraded.length > 0 ? { ...doc, nodes } : doc, upgraded };
}
