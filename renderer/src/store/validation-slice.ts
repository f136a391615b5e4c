import type { Problem } from '../../../shared/graph/index.js';
import type { SliceCreator } from './slice.js';

const NONE: readonly Problem[] = [];

export interface ValidationSlice {
  /** Shared validation of the document as it is now (the engine adds its own checks when a run starts). */
  readonly problems: readonly Problem[];
  /** Per node; an unchanged node keeps its array, so its component does not re-render. */
  readonly problemsByNode: Readonly<Record<string, readonly Problem[]>>;
  setProblems(problems: readonly Problem[]): void;
}

const sameProblems = (a: readonly Problem[], b: readonly Problem[]): boolean => a.length === b.length && a.every((p, i) => JSON.stringify(p) === JSON.stringify(b[i]));

export const createValidationSlice: SliceCreator<ValidationSlice> = (set, get) => ({
  problems: NONE,
  problemsByNode: {},
  setProblems(problems) {
    const grouped: Record<string, Problem[]> = {};
    for (const p of problems) {
      for (const id of new Set([...(p.nodeId !== undefined ? [p.nodeId] : []), ...(p.nodeIds ?? [])])) (grouped[id] ??= []).push(p);
    }
    const previous = get().problemsByNode;
    const byNode: Record<string, readonly Problem[]> = {};
    for (const [id, list] of Object.entries(grouped)) {
      const old = previous[id];
      byNode[id] = old && sameProblems(old, list) ? old : list;
    }
    set({ problems: sameProblems(get().problems, problems) ? get().problems : problems, problemsByNode: byNode });
  },
});

export const noProblems = NONE;
