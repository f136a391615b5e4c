import type { ControlProps } from './types.js';
import { NumberEntry } from './NumberEntry.js';

export function NumberControl({ id, label, field, value, invalid, onChange }: ControlProps) {
  if (field.widget.kind !== 'number') return null;
  const unit = field.widget.unit;
  return (
    <div className="control row">
      <NumberEntry id={id} label={label} value={value ?? field.default} step={field.widget.integer ? 1 : 'any'} min={field.range?.min} max={field.range?.max} invalid={invalid} className="grow" onCommit={onChange} />
      {unit && <span className="muted">{unit}</span>}
    </div>
  );
}
