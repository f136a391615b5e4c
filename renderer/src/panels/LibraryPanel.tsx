import { useMemo, useState } from 'react';
import { CATEGORY_INFO, NODE_CATEGORIES, NODE_REGISTRY, type AnyNodeDefinition } from '../../../shared/nodes/index.js';
import { useActions } from '../app/actions-context.js';
import { NODE_DRAG_MIME } from '../canvas/library-drag.js';

function LibraryItem({ def, onAdd }: { readonly def: AnyNodeDefinition; readonly onAdd: (type: string) => void }) {
  return (
    <button
      type="button"
      className="library-item"
      draggable
      aria-label={`Add ${def.title}`}
      title={`${def.description}\nDrag onto the canvas, or click to add it in the middle of the view.`}
      onDragStart={(e) => {
        e.dataTransfer.setData(NODE_DRAG_MIME, def.type);
        e.dataTransfer.effectAllowed = 'copy';
      }}
      onClick={() => onAdd(def.type)}
    >
      <span className="title">{def.title}</span>
      <span className="desc">{def.description}</span>
    </button>
  );
}

/** Every node type by category, with search; drag an entry onto the canvas or click it. */
export function LibraryPanel() {
  const actions = useActions();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const found = new Set(NODE_REGISTRY.search(query).map((d) => d.type));
    return NODE_CATEGORIES.map((category) => ({ category, nodes: NODE_REGISTRY.list().filter((d) => d.category === category && found.has(d.type)) })).filter((g) => g.nodes.length > 0);
  }, [query]);
  const add = (type: string): void => actions.canvas.addNodeAtCenter(type);
  return (
    <aside className="side-panel library" aria-label="Node library">
      <div className="panel-title">
        <span>Nodes</span>
      </div>
      <div className="panel-body">
        <input type="search" className="library-search" aria-label="Search the node library" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} />
        {groups.map((g) => (
          <section key={g.category} className="library-group" aria-label={g.category}>
            <h3>
              <span className="swatch" style={{ background: CATEGORY_INFO[g.category].color }} aria-hidden="true" />
              {g.category}
            </h3>
            {g.nodes.map((d) => (
              <LibraryItem key={d.type} def={d} onAdd={add} />
            ))}
          </section>
        ))}
        {groups.length === 0 && <p className="muted">No node matches “{query}”.</p>}
      </div>
    </aside>
  );
}
