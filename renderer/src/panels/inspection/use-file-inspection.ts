import { useEffect, useState } from 'react';
import type { PlatformApi } from '../../../../shared/ipc/api.js';
import { PlatformApiError } from '../../../../shared/ipc/errors.js';
import type { InspectionResult, InspectRequest } from '../../../../shared/ipc/inspection.js';
import { usePlatform } from '../../api/api-context.js';

export type InspectionState =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly result: InspectionResult }
  | { readonly state: 'error'; readonly message: string; readonly hint?: string };

/** Results per request, so reselecting a node does not re-read its file (kept for the session). */
const cache = new Map<string, Promise<InspectionResult>>();
const CACHE_LIMIT = 64;

/** `fresh`: read the file again (it may have been rewritten, e.g. a run's output). */
export function inspectCached(api: PlatformApi, request: InspectRequest, fresh = false): Promise<InspectionResult> {
  const key = JSON.stringify([request.path, request.base ?? null, request.hashes ?? false]);
  let p = fresh ? undefined : cache.get(key);
  if (!p) {
    p = api.inspectFile(request);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
    if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  return p;
}

/**
 * Inspects a file (and maps it onto `base`) whenever the path or base changes; a new `reload` number
 * reads it again instead of answering from the session's cache.
 */
export function useFileInspection(request: InspectRequest | null, reload = 0): InspectionState {
  const { api } = usePlatform();
  const [state, setState] = useState<InspectionState>({ state: 'idle' });
  const key = request ? JSON.stringify(request) : null;
  useEffect(() => {
    if (!request) {
      setState({ state: 'idle' });
      return;
    }
    let live = true;
    setState({ state: 'loading' });
    inspectCached(api, request, reload > 0).then(
      (result) => live && setState({ state: 'done', result }),
      (e: unknown) => live && setState({ state: 'error', message: e instanceof Error ? e.message : String(e), ...(e instanceof PlatformApiError && e.hint !== undefined ? { hint: e.hint } : {}) }),
    );
    return () => {
      live = false;
    };
    // The request is compared by value (key), not by identity.
  }, [api, key, reload]);
  return state;
}
