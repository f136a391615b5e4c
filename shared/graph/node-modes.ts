/**
 * Bypass and mute (GraphNode.mode) as the document the analysis sees: bypassed and muted nodes are taken
 * out; each edge that left a bypassed node's output is re-attached to what fed the node's first connected
 * input of the same type (so a bypassed Apply LoRA passes its model on); nodes that lose a required input
 * that way ("depend only on" a muted node) are taken out too, transitively. Pure: the document is not changed.
 */
import type { NodeRegistry } from '../nodes/registry.js';
import type { GraphDocument, GraphEdge, GraphNode, NodeMode } from './document.js';

export interface SkippedNode {
  readonly nodeId: string;
  /** bypass / mute: the node's own mode; depends: it needs a node that does not run. */
  readonly reason: NodeMode | 'depends';
  /** For `depends`: the skipped node it needed. */
  readonly on?: string;
}

export interface EffectiveDocument {
  /** The document with skipped nodes removed and bypassed nodes' edges re-attached. */
  readonly doc: GraphDocument;
  readonly skipped: readonly SkippedNode[];
}

export function effectiveDocument(doc: GraphDocument, registry: NodeRegistry): EffectiveDocument {
  if (!doc.nodes.some((n) => n.mode !== undefined)) return { doc, skipped: [] };
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const skipped: SkippedNode[] = [];
  let edges: GraphEdge[] = [...doc.edges];

  // Bypass: re-attach outgoing edges, following chains of bypassed nodes (processed in any order: each
  // rewrite points the edge at the bypassed node's own input, which a later pass may rewrite again).
  const bypassed = doc.nodes.filter((n) => n.mode === 'bypass');
  for (let pass = 0; pass <= bypassed.length; pass++) {
    let changed = false;
    edges = edges.flatMap((e): GraphEdge[] => {
      const src = byId.get(e.source);
      if (src?.mode !== 'bypass') return [e];
      const through = passThrough(src, e.sourcePort, edges, registry);
      changed = true;
      return through ? [{ ...e, source: through.source, sourcePort: through.sourcePort }] : [];
    });
    if (!changed) break;
  }
  for (const n of bypassed) skipped.push({ nodeId: n.id, reason: 'bypass' });

  const removed = new Set(doc.nodes.filter((n) => n.mode !== undefined).map((n) => n.id));
  for (const n of doc.nodes) if (n.mode === 'mute') skipped.push({ nodeId: n.id, reason: 'mute' });
  // Dependents: a node whose required input was connected only to removed nodes does not run either.
  for (;;) {
    const next = doc.nodes.find((n) => !removed.has(n.id) && lostRequiredInput(n, doc.edges, edges, removed, registry) !== undefined);
    if (!next) break;
    const on = lostRequiredInput(next, doc.edges, edges, removed, registry) as string;
    removed.add(next.id);
    skipped.push({ nodeId: next.id, reason: 'depends', on });
  }
  return {
    doc: { ...doc, nodes: doc.nodes.filter((n) => !removed.has(n.id)), edges: edges.filter((e) => !removed.has(e.source) && !removed.has(e.target)) },
    skipped,
  };
}

/** The edge feeding the bypassed node's first connected input of the output's type. */
function passThrough(node: GraphNode, outPort: string, edges: readonly GraphEdge[], registry: NodeRegistry): GraphEdge | undefined {
  const def = registry.get(node.type);
  const out = def?.outputs.find((p) => p.name === outPort);
  if (!def || !out) return undefined;
  for (const port of def.inputs) {
    if (port.type !== out.type) continue;
    const into = edges.find((e) => e.target === node.id && e.targetPort === port.name);
    if (into) return into;
  }
  return undefined;
}

/** The removed node a required input of `n` was fed by, when no other connection feeds that input now. */
function lostRequiredInput(n: GraphNode, original: readonly GraphEdge[], current: readonly GraphEdge[], removed: ReadonlySet<string>, registry: NodeRegistry): string | undefined {
  const def = registry.get(n.type);
  if (!def) return undefined;
  for (const port of def.inputs) {
    if (!port.required) continue;
    const feeds = (list: readonly GraphEdge[]) => list.filter((e) => e.target === n.id && e.targetPort === port.name);
    const before = feeds(original);
    if (before.length === 0) continue;
    if (feeds(current).some((e) => !removed.has(e.source))) continue;
    return (before.find((e) => removed.has(e.source)) ?? before[0])?.source;
  }
  return undefined;
}

/** "Bypassed", "Muted", "Not run: needs Load LoRA, which is muted" — for run panels and tooltips. */
export function skippedReason(s: SkippedNode, title: (id: string) => string): string {
  if (s.reason === 'bypass') return 'Bypassed: its input is passed through';
  if (s.reason === 'mute') return 'Muted: not run';
  return `Not run: needs ${s.on !== undefined ? title(s.on) : 'a node'}, which does not run`;
}
