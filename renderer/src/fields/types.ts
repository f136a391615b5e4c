import type { JsonValue } from '../../../shared/graph/index.js';
import type { ParamField } from '../../../shared/nodes/index.js';

/** What every param control gets: the raw value as the document holds it, and how to change it. */
export interface ControlProps {
  /** DOM id of the main input (a <label htmlFor> points at it). */
  readonly id: string;
  /** Accessible name. */
  readonly label: string;
  readonly field: ParamField;
  readonly value: unknown;
  readonly variant: 'inline' | 'inspector';
  readonly invalid: boolean;
  /** One change: a history entry of its own, or part of the open gesture. */
  readonly onChange: (value: JsonValue) => void;
  /** A drag of a slider: every change between begin and end is one undo entry. */
  readonly onGesture: (phase: 'begin' | 'end') => void;
  /** File params: open a file dialog (native, or the in-app browser). */
  readonly onBrowse?: () => void;
}

export const numberOr = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
