/**
 * Document -> React Flow elements. Caches per element so an unchanged node keeps its flow object (React
 * Flow then skips it); a drag changes one node object per frame, not three hundred.
 */
import { nodeTitle, type GraphDocument, type GraphEdge, type GraphNode } from '../../../shared/graph/index.js';
import { PORT_TYPE_INFO, type NodeRegistry } from '../../../shared/nodes/index.js';
import { formatNumber } from '../format/format.js';
import type { StudioFlowEdge, StudioFlowNode } from '../nodes/flow-types.js';

export interface Size {
  readonly width: number;
  readonly height: number;
}

interface NodeEntry {
  readonly node: GraphNode;
  readonly selected: boolean;
  readonly measured: Size | undefined;
  readonly flow: StudioFlowNode;
}

export function toFlowNode(node: GraphNode, selected: boolean, measured: Size | undefined, registry: NodeRegistry): StudioFlowNode {
  return {
    id: node.id,
    type: registry.has(node.type) ? 'studio' : 'unknown',
    position: node.position,
    data: { node },
    selected,
    ariaLabel: `${nodeTitle(node, registry)} (${node.id})`,
    // A node the user resized (Note) has a fixed size; the others size to their content.
    ...(node.size && !node.collapsed ? { width: node.size.width, height: node.size.height } : {}),
    ...(measured ? { measured: { width: measured.width, height: measured.height } } : {}),
  };
}

export function createNodeMapper(registry: NodeRegistry) {
  let cache = new Map<string, NodeEntry>();
  let last: StudioFlowNode[] = [];
  return (nodes: readonly GraphNode[], selected: ReadonlySet<string>, measured: ReadonlyMap<string, Size>): StudioFlowNode[] => {
    const next = new Map<string, NodeEntry>();
    let changed = nodes.length !== last.length;
    const out = nodes.map((node, i) => {
      const isSelected = selected.has(node.id);
      const size = measured.get(node.id);
      const prev = cache.get(node.id);
      const entry =
        prev && prev.node === node && prev.selected === isSelected && prev.measured === size
          ? prev
          : { node, selected: isSelected, measured: size, flow: toFlowNode(node, isSelected, size, registry) };
      next.set(node.id, entry);
      if (last[i] !== entry.flow) changed = true;
      return entry.flow;
    });
    cache = next;
    if (changed) last = out;
    return last;
  };
}

export interface EdgeLabel {
  /** "Weight 0.8": what a screen reader says. */
  readonly text: string;
  /** "×0.8": what the edge shows. */
  readonly short: string;
}

/** The label of an edge with per-connection params (Combine's weight), null for other edges. */
export function edgeParamLabel(edge: GraphEdge, registry: NodeRegistry, index: ReadonlyMap<string, GraphNode>): EdgeLabel | null {
  const target = index.get(edge.target);
  const port = target ? registry.get(target.type)?.inputs.find((p) => p.name === edge.targetPort) : undefined;
  if (!port?.edgeParams) return null;
  const parts = Object.entries(port.edgeParams).map(([name, f]) => {
    const v = edge.params?.[name] ?? f.default;
    const shown = typeof v === 'number' ? formatNumber(v) : JSON.stringify(v);
    return { long: `${f.label} ${shown}`, short: name === 'weight' ? `×${shown}` : `${f.label} ${shown}` };
  });
  return { text: parts.map((p) => p.long).join(', '), short: parts.map((p) => p.short).join(', ') };
}

interface EdgeEntry {
  readonly edge: GraphEdge;
  readonly selected: boolean;
  readonly key: string;
  readonly flow: StudioFlowEdge;
}

export function createEdgeMapper(registry: NodeRegistry) {
  let cache = new Map<string, EdgeEntry>();
  let last: StudioFlowEdge[] = [];
  return (doc: GraphDocument, selected: ReadonlySet<string>, index: ReadonlyMap<string, GraphNode>): StudioFlowEdge[] => {
    const next = new Map<string, EdgeEntry>();
    const out = doc.edges.map((edge) => {
      const source = index.get(edge.source);
      const target = index.get(edge.target);
      const sourceTitle = source ? nodeTitle(source, registry) : edge.source;
      const targetTitle = target ? nodeTitle(target, registry) : edge.target;
      const key = `${sourceTitle}\u0000${targetTitle}\u0000${source?.type ?? ''}\u0000${target?.type ?? ''}`;
      const isSelected = selected.has(edge.id);
      const prev = cache.get(edge.id);
      if (prev && prev.edge === edge && prev.selected === isSelected && prev.key === key) {
        next.set(edge.id, prev);
        return prev.flow;
      }
      const portType = (source && registry.get(source.type)?.outputs.find((p) => p.name === edge.sourcePort)?.type) ?? null;
      const label = edgeParamLabel(edge, registry, index);
      const inputLabel = (target && registry.get(target.type)?.inputs.find((p) => p.name === edge.targetPort)?.label) ?? edge.targetPort;
      const flow: StudioFlowEdge = {
        id: edge.id,
        type: 'studio',
        source: edge.source,
        target: edge.target,
        sourceHandle: edge.sourcePort,
        targetHandle: edge.targetPort,
        selected: isSelected,
        ariaLabel: `Connection from ${sourceTitle} (${edge.source}) to ${targetTitle} (${edge.target}) ${inputLabel}`,
        style: { stroke: portType ? PORT_TYPE_INFO[portType].color : '#999' },
        data: { edge, portType, label },
      };
      next.set(edge.id, { edge, selected: isSelected, key, flow });
      return flow;
    });
    cache = next;
    // The same array when no edge changed (a node drag): React Flow then rebuilds none of its edge lookups.
    if (out.length !== last.length || out.some((e, i) => e !== last[i])) last = out;
    return last;
  };
}
