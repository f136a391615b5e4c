import { useState } from 'react';
import type { Problem } from '../../../shared/graph/index.js';
import { renameNode } from '../commands/rename-node.js';
import { setCollapsed } from '../commands/set-collapsed.js';
import { useAppStoreApi } from '../store/store-context.js';

interface Props {
  readonly nodeId: string;
  readonly title: string;
  readonly description: string;
  readonly collapsed: boolean;
  readonly problems: readonly Problem[];
}

/** Title (double-click to rename), problem badge, collapse toggle. */
export function NodeHeader({ nodeId, title, description, collapsed, problems }: Props) {
  const store = useAppStoreApi();
  const [editing, setEditing] = useState(false);
  const errors = problems.filter((p) => p.severity === 'error');
  const shown = errors.length > 0 ? errors : problems;
  return (
    <div className="node-header">
      {editing ? (
        <input
          className="node-title-input nodrag"
          aria-label="Node title"
          defaultValue={title}
          autoFocus
          onBlur={(e) => {
            store.getState().dispatch(renameNode(nodeId, e.target.value));
            setEditing(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') e.currentTarget.blur();
            if (e.key === 'Escape') setEditing(false);
          }}
        />
      ) : (
        <span className="node-title" title={description} onDoubleClick={() => setEditing(true)}>
          {title}
        </span>
      )}
      {shown.length > 0 && (
        <span
          className={`badge problem-badge ${errors.length > 0 ? 'error' : 'warning'}`}
          title={shown.map((p) => p.message).join('\n')}
          aria-label={`${shown.length} ${errors.length > 0 ? 'error' : 'warning'}${shown.length === 1 ? '' : 's'}: ${shown.map((p) => p.message).join(' ')}`}
        >
          {errors.length > 0 ? '!' : '⚠'} {shown.length}
        </span>
      )}
      <button
        type="button"
        className="btn small icon nodrag"
        aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${title}`}
        aria-expanded={!collapsed}
        title={collapsed ? 'Expand (H)' : 'Collapse (H)'}
        onClick={() => store.getState().dispatch(setCollapsed([nodeId], !collapsed))}
      >
        {collapsed ? '▸' : '▾'}
      </button>
    </div>
  );
}
