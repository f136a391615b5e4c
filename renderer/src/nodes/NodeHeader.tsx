import { useState } from 'react';
import type { NodeMode, Problem } from '../../../shared/graph/index.js';
import { renameNode } from '../edits/rename-node.js';
import { setCollapsed } from '../edits/set-collapsed.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';

interface Props {
  readonly nodeId: string;
  readonly title: string;
  readonly description: string;
  readonly collapsed: boolean;
  readonly problems: readonly Problem[];
  readonly mode: NodeMode | undefined;
}

const MODE_LABELS: Record<NodeMode, { text: string; title: string }> = {
  bypass: { text: 'bypassed', title: 'Bypassed: does not run; its input is passed on (Ctrl+B turns it back on).' },
  mute: { text: 'muted', title: 'Muted: it and what depends only on it do not run (Ctrl+M turns it back on).' },
};

/** Title (double-click to rename), problem badge, collapse toggle. */
export function NodeHeader({ nodeId, title, description, collapsed, problems, mode }: Props) {
  const store = useAppStoreApi();
  const [editingHere, setEditingHere] = useState(false);
  const renaming = useAppStore((s) => s.renamingNode === nodeId);
  const editing = editingHere || renaming;
  const setEditing = (on: boolean): void => {
    setEditingHere(on);
    if (!on && renaming) store.getState().setRenamingNode(null);
  };
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
      {mode && (
        <span className={`badge mode-badge ${mode}`} title={MODE_LABELS[mode].title}>
          {MODE_LABELS[mode].text}
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
