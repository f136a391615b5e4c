import { renameNode } from '../../edits/rename-node.js';
import { useDraft } from '../../fields/use-draft.js';
import { useAppStoreApi } from '../../store/store-context.js';

export function NodeTitleField({ nodeId, title, placeholder }: { readonly nodeId: string; readonly title: string; readonly placeholder: string }) {
  const store = useAppStoreApi();
  const d = useDraft(title);
  const commit = (): void => {
    if (d.draft.trim() !== title) store.getState().dispatch(renameNode(nodeId, d.draft));
  };
  return (
    <div className="field">
      <label htmlFor={`title-${nodeId}`}>Title</label>
      <input
        id={`title-${nodeId}`}
        type="text"
        value={d.draft}
        placeholder={placeholder}
        onFocus={d.focus}
        onBlur={() => {
          d.blur();
          commit();
        }}
        onChange={(e) => d.setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
      />
    </div>
  );
}
