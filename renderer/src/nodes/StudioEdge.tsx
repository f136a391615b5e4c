import { memo } from 'react';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { useAppStoreApi } from '../store/store-context.js';
import type { StudioFlowEdge } from './flow-types.js';

/** An edge in its port type's colour; per-connection params (Combine's weight) show on its label. */
export const StudioEdge = memo(function StudioEdge({ id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, style, selected, data, markerEnd }: EdgeProps<StudioFlowEdge>) {
  const store = useAppStoreApi();
  const [path] = getBezierPath({ sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition });
  const label = data?.label ?? null;
  // Just after the source, where the edge leaves horizontally: inputs of one port share their end point.
  const labelX = sourceX + 30;
  const labelY = sourceY;
  return (
    <>
      <BaseEdge id={id} path={path} {...(style ? { style } : {})} {...(markerEnd ? { markerEnd } : {})} />
      {label !== null && (
        <EdgeLabelRenderer>
          <button
            type="button"
            className={`edge-label nodrag nopan ${selected ? 'selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            aria-label={`Connection ${label.text}: select to edit`}
            title={label.text}
            onClick={() => store.getState().selectEdge(id)}
          >
            {label.short}
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
