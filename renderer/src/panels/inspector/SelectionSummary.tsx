import { deleteSelection } from '../../actions/delete-selection.js';
import { duplicateSelection } from '../../actions/clipboard.js';
import { setCollapsed } from '../../edits/set-collapsed.js';
import { useAppStore, useAppStoreApi } from '../../store/store-context.js';

export function SelectionSummary() {
  const store = useAppStoreApi();
  const selection = useAppStore((s) => s.selection);
  return (
    <div className="inspector panel-body" aria-label="Inspector: selection">
      <h2>
        {selection.nodes.length} nodes{selection.edges.length > 0 ? `, ${selection.edges.length} connections` : ''} selected
      </h2>
      <div className="row" style={{ flexWrap: 'wrap', marginTop: 8 }}>
        <button type="button" className="btn small" onClick={() => duplicateSelection(store)}>
          Duplicate
        </button>
        <button type="button" className="btn small" onClick={() => store.getState().dispatch(setCollapsed(selection.nodes, true))}>
          Collapse
        </button>
        <button type="button" className="btn small" onClick={() => store.getState().dispatch(setCollapsed(selection.nodes, false))}>
          Expand
        </button>
        <button type="button" className="btn small danger" onClick={() => deleteSelection(store)}>
          Delete
        </button>
      </div>
    </div>
  );
}
