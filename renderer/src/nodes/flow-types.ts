import type { Edge, Node } from '@xyflow/react';
import type { GraphEdge, GraphNode } from '../../../shared/graph/index.js';
import type { PortType } from '../../../shared/nodes/index.js';

/** A canvas node carries the document node itself: immer keeps its identity while it is unchanged. */
export type StudioNodeData = { readonly node: GraphNode };
export type StudioFlowNode = Node<StudioNodeData, 'studio' | 'unknown'>;

export type StudioEdgeData = { readonly edge: GraphEdge; readonly portType: PortType | null; readonly label: { readonly text: string; readonly short: string } | null };
export type StudioFlowEdge = Edge<StudioEdgeData, 'studio'>;
