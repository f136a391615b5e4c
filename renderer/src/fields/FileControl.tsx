import type { ControlProps } from './types.js';
import { useDraft } from './use-draft.js';

/** A path typed (or pasted) by hand, or chosen with Browse (native dialog, or the in-app file browser). */
export function FileControl({ id, label, value, invalid, onChange, onBrowse }: ControlProps) {
  const path = typeof value === 'string' ? value : '';
  const d = useDraft(path);
  const commit = (): void => {
    if (d.draft.trim() !== path) onChange(d.draft.trim());
  };
  return (
    <div className="control row">
      <input
        id={id}
        type="text"
        className="nodrag path-input grow mono-input"
        aria-label={label}
        aria-invalid={invalid || undefined}
        placeholder="Choose a file…"
        title={path}
        value={d.draft}
        onFocus={d.focus}
        onBlur={() => {
          d.blur();
          commit();
        }}
        onChange={(e) => d.setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
      {onBrowse && (
        <button type="button" className="btn small nodrag" aria-label={`Browse for ${label}`} title="Browse…" onClick={onBrowse}>
          …
        </button>
      )}
    </div>
  );
}
