import { setGraphName } from '../../edits/set-metadata.js';
import { useDraft } from '../../fields/use-draft.js';
import { useAppStore, useAppStoreApi } from '../../store/store-context.js';

/** Nothing selected: the graph's name and counts, and what to do next. */
export function GraphSummary() {
  const store = useAppStoreApi();
  const name = useAppStore((s) => s.doc.metadata?.name ?? '');
  const description = useAppStore((s) => s.doc.metadata?.description ?? '');
  const counts = useAppStore((s) => `${s.doc.nodes.length} node${s.doc.nodes.length === 1 ? '' : 's'}, ${s.doc.edges.length} connection${s.doc.edges.length === 1 ? '' : 's'}`);
  const errors = useAppStore((s) => s.problems.filter((p) => p.severity === 'error').length);
  const d = useDraft(name);
  return (
    <div className="inspector panel-body" aria-label="Inspector: graph">
      <h2>Graph</h2>
      <p className="muted">{counts}</p>
      <div className="field">
        <label htmlFor="graph-name">Name</label>
        <input
          id="graph-name"
          type="text"
          value={d.draft}
          placeholder="Untitled graph"
          onFocus={d.focus}
          onBlur={() => {
            d.blur();
            if (d.draft.trim() !== name) store.getState().dispatch(setGraphName(d.draft));
          }}
          onChange={(e) => d.setDraft(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        />
      </div>
      {description && <p>{description}</p>}
      {errors > 0 && (
        <p>
          <span className="badge error">{errors} problem{errors === 1 ? '' : 's'}</span> to fix before running: see the Problems tab.
        </p>
      )}
      <section>
        <h3>Tips</h3>
        <ul>
          <li>Select a node to edit all its parameters and read its documentation.</li>
          <li>Drag from a port into empty canvas to get the nodes that fit it.</li>
          <li>Press ? for every keyboard shortcut.</li>
        </ul>
      </section>
    </div>
  );
}
