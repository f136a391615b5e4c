import { useEffect, useRef } from 'react';
import { useNodesInitialized, useReactFlow } from '@xyflow/react';
import { useAppStore } from '../store/store-context.js';

/**
 * After a document is loaded, fit it in view once React Flow has measured its nodes; an empty one (New)
 * starts at the origin at zoom 1, so nodes added to it are readable and where they were dropped.
 */
export function useFitOnLoad(fitOptions: { padding: number; maxZoom: number }): void {
  const rf = useReactFlow();
  const request = useAppStore((s) => s.fitRequest);
  const empty = useAppStore((s) => s.doc.nodes.length === 0);
  const initialized = useNodesInitialized();
  const done = useRef(0);
  useEffect(() => {
    if (request === done.current) return;
    if (empty) {
      done.current = request;
      void rf.setViewport({ x: 0, y: 0, zoom: 1 });
      return;
    }
    if (!initialized) return;
    done.current = request;
    void rf.fitView(fitOptions);
  }, [request, initialized, empty, rf, fitOptions]);
}
