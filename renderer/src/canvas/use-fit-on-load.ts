import { useEffect, useRef } from 'react';
import { useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useAppStore } from '../store/store-context.js';

/** After a document is loaded, fit it in view once React Flow has measured its nodes. */
export function useFitOnLoad(fitOptions: { padding: number; maxZoom: number }): void {
  const rf = useReactFlow();
  const request = useAppStore((s) => s.fitRequest);
  const initialized = useNodesInitialized();
  const done = useRef(0);
  useEffect(() => {
    if (request === done.current || !initialized) return;
    done.current = request;
    void rf.fitView(fitOptions);
  }, [request, initialized, rf, fitOptions]);
}
