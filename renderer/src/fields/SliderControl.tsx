import type { ControlProps } from './types.js';
import { numberOr } from './types.js';
import { NumberEntry } from './NumberEntry.js';

/** A slider over the comfortable range with a numeric entry that takes the whole hard range. */
export function SliderControl({ id, label, field, value, invalid, onChange, onGesture }: ControlProps) {
  if (field.widget.kind !== 'slider') return null;
  const { min, max, step } = field.widget;
  const current = numberOr(value, numberOr(field.default, min));
  const end = (): void => onGesture('end');
  return (
    <div className="control row">
      <input
        type="range"
        className="nodrag"
        aria-label={label}
        min={min}
        max={max}
        step={step}
        value={Math.min(max, Math.max(min, current))}
        onPointerDown={() => onGesture('begin')}
        onPointerUp={end}
        onKeyDown={(e) => {
          if (e.key.startsWith('Arrow') || e.key === 'PageUp' || e.key === 'PageDown' || e.key === 'Home' || e.key === 'End') onGesture('begin');
        }}
        onKeyUp={end}
        onBlur={end}
        onChange={(e) => onChange(Number(e.target.value))}
      />
      <NumberEntry id={id} label={label} value={value ?? field.default} step="any" min={field.range?.min} max={field.range?.max} invalid={invalid} onCommit={onChange} />
    </div>
  );
}
