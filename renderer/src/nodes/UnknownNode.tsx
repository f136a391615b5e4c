import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import type { StudioFlowNode } from './flow-types.js';

/** A node whose type this version does not know: kept (and saved) as it is, shown plainly. */
export const UnknownNode = memo(function UnknownNode({ data }: NodeProps<StudioFlowNode>) {
  const node = data.node;
  return (
    <div className="studio-node unknown">
      <div className="node-header">
        <span className="node-title">{node.title ?? node.type}</span>
        <span className="badge error">unknown type</span>
      </div>
      <div className="node-body" style={{ padding: '6px 10px' }}>
        <code>{node.type}</code>
        <p className="muted" style={{ margin: '4px 0 0' }}>
          This version of LoRA Studio does not know this node. It is kept as it is and saved with the graph.
        </p>
      </div>
    </div>
  );
});
