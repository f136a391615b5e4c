import type { ControlProps } from './types.js';

export function CheckboxControl({ id, label, value, field, onChange }: ControlProps) {
  const checked = typeof value === 'boolean' ? value : field.default === true;
  return (
    <div className="control row">
      <input id={id} type="checkbox" className="nodrag" aria-label={label} checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </div>
  );
}
