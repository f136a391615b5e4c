import type { JsonValue, Problem } from '../../../../shared/graph/index.js';
import type { ParamField } from '../../../../shared/nodes/index.js';
import { ParamControl } from '../../fields/ParamControl.js';

interface Props {
  readonly id: string;
  readonly field: ParamField;
  readonly value: unknown;
  readonly problems: readonly Problem[];
  readonly onChange: (value: JsonValue) => void;
  readonly onGesture: (phase: 'begin' | 'end') => void;
  readonly onBrowse?: () => void;
}

/** One param in the inspector: label, control, its validation messages, and what it means. */
export function InspectorField({ id, field, value, problems, onChange, onGesture, onBrowse }: Props) {
  const errors = problems.filter((p) => p.severity === 'error');
  const invalid = errors.length > 0;
  const describedBy = `${id}-desc`;
  return (
    <div className={`field ${invalid ? 'invalid' : ''}`}>
      <label htmlFor={id}>{field.label}</label>
      <ParamControl id={id} label={field.label} field={field} value={value} variant="inspector" invalid={invalid} onChange={onChange} onGesture={onGesture} {...(onBrowse ? { onBrowse } : {})} />
      {problems.map((p, i) => (
        <span key={i} className={p.severity === 'error' ? 'error' : 'description'} role={p.severity === 'error' ? 'alert' : undefined}>
          {p.message}
        </span>
      ))}
      <span id={describedBy} className="description">
        {field.description}
        {field.range && (field.range.min !== undefined || field.range.max !== undefined) && (
          <span className="muted">
            {' '}
            ({field.range.min !== undefined ? `${field.range.exclusiveMin ? '>' : '≥'} ${field.range.min}` : ''}
            {field.range.min !== undefined && field.range.max !== undefined ? ', ' : ''}
            {field.range.max !== undefined ? `≤ ${field.range.max}` : ''})
          </span>
        )}
      </span>
    </div>
  );
}
