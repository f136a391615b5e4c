import type { EdgeTypes, NodeTypes } from '@xyflow/react';
import { StudioEdge } from './StudioEdge.js';
import { StudioNode } from './StudioNode.js';
import { UnknownNode } from './UnknownNode.js';

/** Defined once at module level: React Flow re-mounts every node if these objects change. */
export const NODE_COMPONENTS: NodeTypes = { studio: StudioNode, unknown: UnknownNode };
export const EDGE_COMPONENTS: EdgeTypes = { studio: StudioEdge };
