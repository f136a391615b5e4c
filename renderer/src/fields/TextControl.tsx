import type { ControlProps } from './types.js';
import { useDraft } from './use-draft.js';

export function TextControl({ id, label, field, value, invalid, onChange }: ControlProps) {
  const text = typeof value === 'string' ? value : String(field.default ?? '');
  const d = useDraft(text);
  if (field.widget.kind !== 'text') return null;
  const { multiline, monospace, placeholder } = field.widget;
  const commit = (): void => {
    if (d.draft !== text) onChange(d.draft);
  };
  const common = {
    id,
    'aria-label': label,
    'aria-invalid': invalid || undefined,
    className: `nodrag ${monospace ? 'mono-input' : ''}`,
    placeholder,
    value: d.draft,
    onFocus: d.focus,
    onBlur: () => {
      d.blur();
      commit();
    },
  };
  return (
    <div className="control">
      {multiline ? (
        <textarea {...common} className={`${common.className} nowheel`} rows={4} onChange={(e) => d.setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && commit()} />
      ) : (
        <input {...common} type="text" onChange={(e) => d.setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && commit()} />
      )}
    </div>
  );
}
