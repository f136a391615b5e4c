import { useEffect } from 'react';
import { validateGraph } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import type { AppStore } from '../store/app-store.js';

/** Validation runs when editing pauses (not on every frame of a drag). */
export const VALIDATION_DELAY_MS = 150;

/** Shared validation of the document as the user edits: problems show on nodes, fields and the Problems tab. */
export function useValidation(store: AppStore): void {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const validate = (): void => {
      timer = null;
      const s = store.getState();
      // An empty canvas has its own guidance; "the graph has no output" would only be noise there.
      s.setProblems(s.doc.nodes.length === 0 ? [] : validateGraph(s.doc, NODE_REGISTRY));
    };
    validate();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.doc === prev.doc) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(validate, VALIDATION_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store]);
}
