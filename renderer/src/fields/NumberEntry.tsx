import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

interface Props {
  readonly id?: string;
  readonly label: string;
  readonly value: unknown;
  readonly step: number | 'any';
  readonly min?: number;
  readonly max?: number;
  readonly invalid?: boolean;
  readonly className?: string;
  readonly onCommit: (value: number) => void;
}

const show = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '');

/**
 * Typed numbers: edited freely, committed on Enter or when the field loses focus (one undo entry per
 * edit); Escape restores the value. Any number is committed; the schema's range check reports it.
 */
export function NumberEntry({ id, label, value, step, min, max, invalid, className, onCommit }: Props) {
  const [draft, setDraft] = useState(show(value));
  const focused = useRef(false);
  useEffect(() => {
    if (!focused.current) setDraft(show(value));
  }, [value]);
  const commit = (): void => {
    const t = draft.trim();
    const n = Number(t);
    if (t !== '' && Number.isFinite(n) && n !== value) onCommit(n);
    else setDraft(show(value));
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      commit();
      e.currentTarget.select();
    } else if (e.key === 'Escape') {
      setDraft(show(value));
      e.currentTarget.blur();
    }
  };
  return (
    <input
      id={id}
      type="number"
      className={`nodrag ${className ?? ''}`}
      aria-label={label}
      aria-invalid={invalid || undefined}
      value={draft}
      step={step}
      min={min}
      max={max}
      onFocus={() => {
        focused.current = true;
      }}
      onBlur={() => {
        focused.current = false;
        commit();
      }}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={onKeyDown}
    />
  );
}
