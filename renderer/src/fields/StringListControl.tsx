import type { ControlProps } from './types.js';
import { useDraft } from './use-draft.js';

/** One item per line (patterns may contain commas); the node body uses a single comma-separated line. */
export function StringListControl({ id, label, field, value, variant, invalid, onChange }: ControlProps) {
  const items = Array.isArray(value) ? value.map(String) : [];
  const sep = variant === 'inspector' ? '\n' : ', ';
  const text = items.join(sep);
  const d = useDraft(text);
  const placeholder = field.widget.kind === 'string-list' ? field.widget.placeholder : undefined;
  const commit = (): void => {
    if (d.draft === text) return;
    const parts = variant === 'inspector' ? d.draft.split('\n') : d.draft.split(',');
    onChange(parts.map((s) => s.trim()).filter((s) => s !== ''));
  };
  const common = {
    id,
    'aria-label': label,
    'aria-invalid': invalid || undefined,
    className: 'nodrag mono-input',
    value: d.draft,
    onFocus: d.focus,
    onBlur: () => {
      d.blur();
      commit();
    },
  };
  return (
    <div className="control">
      {variant === 'inspector' ? (
        <textarea {...common} className="nodrag nowheel mono-input" rows={Math.max(2, Math.min(8, items.length + 1))} placeholder={placeholder?.split(', ').join('\n')} onChange={(e) => d.setDraft(e.target.value)} style={{ width: '100%' }} />
      ) : (
        <input {...common} type="text" placeholder={placeholder} onChange={(e) => d.setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && commit()} />
      )}
    </div>
  );
}
