import { useEffect } from 'react';
import { validateGraph } from '../../../shared/graph/index.js';
import type { PlatformApi } from '../../../shared/ipc/api.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import type { AppStore } from '../store/app-store.js';

/** Shared validation runs when editing pauses (not on every frame of a drag). */
export const VALIDATION_DELAY_MS = 150;
/** The engine's checks (files exist, LoRAs match their model) read file headers: a longer pause first. */
export const ENGINE_VALIDATION_DELAY_MS = 700;

/**
 * Problems as the user edits: shared validation at once (params, ports, cycles), then the engine's own
 * checks (missing files, unmatched LoRA modules), so they show on nodes, fields and the Problems tab before
 * Run is pressed. A result for a document that has changed since is dropped.
 */
export function useValidation(api: PlatformApi, store: AppStore): void {
  useEffect(() => {
    let sharedTimer: ReturnType<typeof setTimeout> | null = null;
    let engineTimer: ReturnType<typeof setTimeout> | null = null;
    let lastKey: string | null = null;
    const validateInEngine = (): void => {
      engineTimer = null;
      const doc = store.getState().doc;
      if (doc.nodes.length === 0) return;
      const baseDir = store.getState().sourceDir;
      api.validateGraph(doc, baseDir !== null ? { baseDir } : {}).then(
        (problems) => {
          if (store.getState().doc === doc) store.getState().setProblems(problems);
        },
        () => undefined,
      );
    };
    const validate = (): void => {
      sharedTimer = null;
      const s = store.getState();
      // Moving, collapsing or resizing nodes changes nothing a check looks at (bypass / mute do).
      const key = JSON.stringify([s.doc.nodes.map((n) => [n.id, n.type, n.typeVersion, n.title ?? null, n.mode ?? null, n.params]), s.doc.edges]);
      if (key === lastKey) return;
      lastKey = key;
      // An empty canvas has its own guidance; "the graph has no output" would only be noise there.
      s.setProblems(s.doc.nodes.length === 0 ? [] : validateGraph(s.doc, NODE_REGISTRY));
      if (engineTimer) clearTimeout(engineTimer);
      engineTimer = setTimeout(validateInEngine, ENGINE_VALIDATION_DELAY_MS);
    };
    validate();
    const unsubscribe = store.subscribe((s, prev) => {
      if (s.doc === prev.doc) return;
      if (sharedTimer) clearTimeout(sharedTimer);
      if (engineTimer) clearTimeout(engineTimer);
      sharedTimer = setTimeout(validate, VALIDATION_DELAY_MS);
    });
    return () => {
      unsubscribe();
      if (sharedTimer) clearTimeout(sharedTimer);
      if (engineTimer) clearTimeout(engineTimer);
    };
  }, [api, store]);
}
