import { paramValueFromText, type ParamField } from '../../../shared/nodes/index.js';
import type { JsonValue } from '../../../shared/graph/index.js';
import type { ControlProps } from './types.js';
import { useDraft } from './use-draft.js';

const toText = (v: unknown): string => (Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '');

function slotNames(field: ParamField, length: number): readonly string[] | undefined {
  return field.widget.kind === 'vector' ? field.widget.slotNames?.(length) : undefined;
}

/** Numbers separated by commas (a JSON array also works); the inspector shows which block each value is for. */
export function VectorControl({ id, label, field, value, variant, invalid, onChange }: ControlProps) {
  const text = toText(value);
  const d = useDraft(text);
  const commit = (): void => {
    if (d.draft === text) return;
    const r = paramValueFromText(field, d.draft);
    // Unparseable text is kept as written: validation then says what is wrong with it.
    onChange(r.ok ? (r.value as JsonValue) : d.draft);
  };
  const values = Array.isArray(value) ? value : [];
  const names = slotNames(field, values.length);
  return (
    <div className="control">
      <input
        id={id}
        type="text"
        className="nodrag mono-input"
        aria-label={label}
        aria-invalid={invalid || undefined}
        placeholder="1, 1, 0.5, …"
        value={d.draft}
        onFocus={d.focus}
        onBlur={() => {
          d.blur();
          commit();
        }}
        onChange={(e) => d.setDraft(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit()}
        style={{ width: '100%' }}
      />
      {variant === 'inspector' && names && (
        <div className="slots" aria-label={`${label} by block`}>
          {names.map((n, i) => (
            <span key={n}>
              <span className="muted">{n}</span> {String(values[i])}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}
