import { useMemo, useRef, useState } from 'react';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import type { StudioFlowEdge, StudioFlowNode } from '../nodes/flow-types.js';
import { nodeIndex } from '../store/selectors.js';
import { useAppStore } from '../store/store-context.js';
import { createEdgeMapper, createNodeMapper, type Size } from './flow-mapping.js';

export interface FlowElements {
  readonly nodes: StudioFlowNode[];
  readonly edges: StudioFlowEdge[];
  /** Node sizes React Flow measured (kept here: controlled nodes must carry them back). */
  measured(): ReadonlyMap<string, Size>;
  setMeasured(updates: readonly { id: string; size: Size }[]): void;
}

/** The canvas's nodes and edges from the document and the selection (the one place that reads every node). */
export function useFlowElements(): FlowElements {
  const doc = useAppStore((s) => s.doc);
  const selection = useAppStore((s) => s.selection);
  // A ref, updated the moment React Flow reports a size: a node object built without its size (say, for a
  // selection change landing first) would make React Flow forget the node's handles until it resizes.
  const measuredRef = useRef<ReadonlyMap<string, Size>>(new Map());
  const [measuredVersion, setMeasuredVersion] = useState(0);
  const mappers = useRef({ nodes: createNodeMapper(NODE_REGISTRY), edges: createEdgeMapper(NODE_REGISTRY) });
  const selectedNodes = useMemo(() => new Set(selection.nodes), [selection.nodes]);
  const selectedEdges = useMemo(() => new Set(selection.edges), [selection.edges]);
  // measuredVersion: the ref changed.
  const nodes = useMemo(() => mappers.current.nodes(doc.nodes, selectedNodes, measuredRef.current), [doc.nodes, selectedNodes, measuredVersion]);
  const edges = useMemo(() => mappers.current.edges(doc, selectedEdges, nodeIndex(doc.nodes)), [doc, selectedEdges]);
  const api = useMemo(
    () => ({
      measured: () => measuredRef.current,
      setMeasured(updates: readonly { id: string; size: Size }[]) {
        const prev = measuredRef.current;
        let next: Map<string, Size> | null = null;
        for (const u of updates) {
          const old = prev.get(u.id);
          if (old && old.width === u.size.width && old.height === u.size.height) continue;
          next ??= new Map(prev);
          next.set(u.id, u.size);
        }
        if (!next) return;
        measuredRef.current = next;
        setMeasuredVersion((v) => v + 1);
      },
    }),
    [],
  );
  return { nodes, edges, ...api };
}
