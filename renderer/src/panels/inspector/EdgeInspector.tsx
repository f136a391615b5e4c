import { nodeTitle } from '../../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../../shared/nodes/index.js';
import { removeElements } from '../../edits/remove-elements.js';
import { reorderInput } from '../../edits/reorder-input.js';
import { useEdgeParamActions } from '../../nodes/use-param-actions.js';
import { nodeIndex } from '../../store/selectors.js';
import { useAppStore, useAppStoreApi } from '../../store/store-context.js';
import { InspectorField } from './InspectorField.js';

/** A selected connection: its ends, its per-connection params (Combine's weight), order, delete. */
export function EdgeInspector({ edgeId }: { readonly edgeId: string }) {
  const store = useAppStoreApi();
  const edge = useAppStore((s) => s.doc.edges.find((e) => e.id === edgeId));
  const nodes = useAppStore((s) => s.doc.nodes);
  const allProblems = useAppStore((s) => s.problems);
  const actions = useEdgeParamActions(edgeId);
  if (!edge) return null;
  const problems = allProblems.filter((p) => p.edgeId === edgeId);
  const index = nodeIndex(nodes);
  const source = index.get(edge.source);
  const target = index.get(edge.target);
  const targetDef = target ? NODE_REGISTRY.get(target.type) : undefined;
  const port = targetDef?.inputs.find((p) => p.name === edge.targetPort);
  const sourcePort = source ? NODE_REGISTRY.get(source.type)?.outputs.find((p) => p.name === edge.sourcePort) : undefined;
  return (
    <div className="inspector panel-body" aria-label="Inspector: connection">
      <h2>Connection</h2>
      <p>
        {source ? nodeTitle(source, NODE_REGISTRY) : edge.source} · {sourcePort?.label ?? edge.sourcePort} → {target ? nodeTitle(target, NODE_REGISTRY) : edge.target} · {port?.label ?? edge.targetPort}
      </p>
      {problems.map((p, i) => (
        <p key={i} className="error">
          {p.message}
        </p>
      ))}
      {port?.edgeParams && (
        <section aria-label="Connection parameters">
          <h3>Parameters of this input</h3>
          {Object.entries(port.edgeParams).map(([name, field]) => (
            <InspectorField
              key={name}
              id={`edge-${edge.id}-${name}`}
              field={field}
              value={edge.params?.[name]}
              problems={problems.filter((p) => p.param === name)}
              onChange={(v) => actions.set(name, v, field.label)}
              onGesture={actions.gesture(field.label)}
            />
          ))}
        </section>
      )}
      <div className="row">
        {port?.multiple && (
          <>
            <button type="button" className="btn small" onClick={() => store.getState().dispatch(reorderInput(edge.id, -1))}>
              Move input up
            </button>
            <button type="button" className="btn small" onClick={() => store.getState().dispatch(reorderInput(edge.id, 1))}>
              Move input down
            </button>
          </>
        )}
        <button
          type="button"
          className="btn small danger"
          onClick={() => {
            store.getState().dispatch(removeElements([], [edge.id]));
            store.getState().clearSelection();
          }}
        >
          Delete connection
        </button>
      </div>
    </div>
  );
}
