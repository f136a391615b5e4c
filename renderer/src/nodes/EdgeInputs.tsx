import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { nodeTitle, type GraphEdge } from '../../../shared/graph/index.js';
import { NODE_REGISTRY, type ParamFields } from '../../../shared/nodes/index.js';
import { reorderInput } from '../edits/reorder-input.js';
import { ParamControl } from '../fields/ParamControl.js';
import { nodeIndex } from '../store/selectors.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';
import { useEdgeParamActions } from './use-param-actions.js';

interface Props {
  readonly nodeId: string;
  readonly port: string;
  readonly edgeParams: ParamFields;
}

function EdgeInputRow({ edge, index, count, sourceTitle, edgeParams }: { edge: GraphEdge; index: number; count: number; sourceTitle: string; edgeParams: ParamFields }) {
  const store = useAppStoreApi();
  const actions = useEdgeParamActions(edge.id);
  return (
    <div className="edge-input" aria-label={`Input ${index + 1}: ${sourceTitle}`} role="group">
      <span className="source" title={sourceTitle}>
        {index + 1}. {sourceTitle}
      </span>
      <button type="button" className="btn small icon nodrag" aria-label={`Move input ${index + 1} up`} disabled={index === 0} onClick={() => store.getState().dispatch(reorderInput(edge.id, -1))}>
        ↑
      </button>
      <button type="button" className="btn small icon nodrag" aria-label={`Move input ${index + 1} down`} disabled={index === count - 1} onClick={() => store.getState().dispatch(reorderInput(edge.id, 1))}>
        ↓
      </button>
      {Object.entries(edgeParams).map(([name, field]) => (
        <div key={name} className="weight">
          <ParamControl
            id={`${edge.id}-${name}`}
            label={`${field.label} of input ${index + 1}`}
            field={field}
            value={edge.params?.[name]}
            variant="inline"
            invalid={false}
            onChange={(v) => actions.set(name, v, field.label)}
            onGesture={actions.gesture(field.label)}
          />
        </div>
      ))}
    </div>
  );
}

/**
 * One row per connection into a multi-input port that has per-connection params (Combine LoRAs'
 * weights), in input order, with move up/down. Subscribes to this port's edges only.
 */
export const EdgeInputs = memo(function EdgeInputs({ nodeId, port, edgeParams }: Props) {
  const edges = useAppStore(useShallow((s) => s.doc.edges.filter((e) => e.target === nodeId && e.targetPort === port)));
  const titles = useAppStore(
    useShallow((s) => {
      const index = nodeIndex(s.doc.nodes);
      return edges.map((e) => {
        const n = index.get(e.source);
        return n ? nodeTitle(n, NODE_REGISTRY) : e.source;
      });
    }),
  );
  if (edges.length === 0) return <div className="edge-inputs edge-input-empty">Connect LoRAs here</div>;
  return (
    <div className="edge-inputs">
      {edges.map((e, i) => (
        <EdgeInputRow key={e.id} edge={e} index={i} count={edges.length} sourceTitle={titles[i] ?? e.source} edgeParams={edgeParams} />
      ))}
    </div>
  );
});
