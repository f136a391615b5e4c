import { MAX_SEED } from '../../../shared/nodes/index.js';
import type { ControlProps } from './types.js';
import { NumberEntry } from './NumberEntry.js';

const randomSeed = (): number => {
  const a = new Uint32Array(1);
  crypto.getRandomValues(a);
  return (a[0] ?? 0) % (MAX_SEED + 1);
};

export function SeedControl({ id, label, value, field, invalid, onChange }: ControlProps) {
  return (
    <div className="control row">
      <NumberEntry id={id} label={label} value={value ?? field.default} step={1} min={0} max={MAX_SEED} invalid={invalid} className="grow" onCommit={onChange} />
      <button type="button" className="btn small nodrag" aria-label={`New random ${label.toLowerCase()}`} title="New random seed" onClick={() => onChange(randomSeed())}>
        ⟳
      </button>
    </div>
  );
}
