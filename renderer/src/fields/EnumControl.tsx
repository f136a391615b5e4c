import type { ControlProps } from './types.js';

/** A select; in the inspector, a few options show as a radio group (the definition's "segmented"). */
export function EnumControl({ id, label, field, value, variant, invalid, onChange }: ControlProps) {
  if (field.widget.kind !== 'enum') return null;
  const { options, display } = field.widget;
  const current = typeof value === 'string' ? value : String(field.default);
  const known = options.some((o) => o.value === current);
  if (variant === 'inspector' && display === 'segmented') {
    return (
      <div className="control radio-group" role="radiogroup" aria-label={label} id={id}>
        {options.map((o) => (
          <label key={o.value} className={o.value === current ? 'checked' : ''} title={o.description}>
            <input type="radio" name={id} value={o.value} checked={o.value === current} onChange={() => onChange(o.value)} />
            {o.label}
          </label>
        ))}
      </div>
    );
  }
  return (
    <div className="control">
      <select id={id} className="nodrag" aria-label={label} aria-invalid={invalid || undefined} value={current} onChange={(e) => onChange(e.target.value)}>
        {!known && <option value={current}>{current} (unknown)</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value} title={o.description}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
