import { useMemo } from 'react';
import type { JsonValue } from '../../../shared/graph/index.js';
import { setEdgeParam } from '../edits/set-edge-param.js';
import { setNodeParam } from '../edits/set-node-param.js';
import { useAppStoreApi } from '../store/store-context.js';

export interface ParamActions {
  set(param: string, value: JsonValue, label: string): void;
  gesture(label: string): (phase: 'begin' | 'end') => void;
}

function gestureOf(store: ReturnType<typeof useAppStoreApi>, label: string) {
  return (phase: 'begin' | 'end'): void => {
    if (phase === 'begin') store.getState().beginGesture(`Set ${label}`);
    else store.getState().endGesture();
  };
}

/** Changing a node's params: every change an edit, a slider drag one gesture. */
export function useNodeParamActions(nodeId: string): ParamActions {
  const store = useAppStoreApi();
  return useMemo(
    () => ({
      set: (param, value, label) => {
        store.getState().dispatch(setNodeParam(nodeId, param, value, label));
      },
      gesture: (label) => gestureOf(store, label),
    }),
    [store, nodeId],
  );
}

export function useEdgeParamActions(edgeId: string): ParamActions {
  const store = useAppStoreApi();
  return useMemo(
    () => ({
      set: (param, value, label) => {
        store.getState().dispatch(setEdgeParam(edgeId, param, value, label));
      },
      gesture: (label) => gestureOf(store, label),
    }),
    [store, edgeId],
  );
}
