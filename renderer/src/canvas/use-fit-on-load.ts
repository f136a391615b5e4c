import { useEffect, useRef } from 'react';
import { getViewportForBounds, useNodesInitialized, useReactFlow, useStore, type Viewport } from '@xyflow/react';
import { useAppStore } from '../store/store-context.js';

/** The smallest zoom a loaded graph opens at: node titles (13 px) stay at least 10 px tall on screen. */
export const READABLE_ZOOM = 0.8;
/** Screen pixels between the canvas edge and a graph opened at the readable zoom. */
const READABLE_MARGIN = 24;

/** Where a graph with these bounds opens: fitted when that is readable, else readable from its top-left (where chains start). */
export function openingViewport(
  bounds: { x: number; y: number; width: number; height: number },
  canvas: { width: number; height: number },
  fitOptions: { padding: number; maxZoom: number },
): Viewport {
  const fitted = getViewportForBounds(bounds, canvas.width, canvas.height, READABLE_ZOOM, fitOptions.maxZoom, fitOptions.padding);
  const fits = bounds.width * fitted.zoom <= canvas.width && bounds.height * fitted.zoom <= canvas.height;
  if (fits) return fitted;
  return { x: READABLE_MARGIN - bounds.x * READABLE_ZOOM, y: READABLE_MARGIN - bounds.y * READABLE_ZOOM, zoom: READABLE_ZOOM };
}

/**
 * After a document is loaded, show it once React Flow has measured its nodes: fitted in view when that keeps
 * its text readable, else at the readable zoom from its top-left (the minimap and Fit show the rest); an
 * empty one (New) starts at the origin at zoom 1, so nodes added to it are readable and where they were dropped.
 */
export function useFitOnLoad(fitOptions: { padding: number; maxZoom: number }): void {
  const rf = useReactFlow();
  const request = useAppStore((s) => s.fitRequest);
  const empty = useAppStore((s) => s.doc.nodes.length === 0);
  const initialized = useNodesInitialized();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const done = useRef(0);
  useEffect(() => {
    if (request === done.current) return;
    if (empty) {
      done.current = request;
      void rf.setViewport({ x: 0, y: 0, zoom: 1 });
      return;
    }
    if (!initialized || width === 0 || height === 0) return;
    done.current = request;
    void rf.setViewport(openingViewport(rf.getNodesBounds(rf.getNodes()), { width, height }, fitOptions));
  }, [request, initialized, empty, rf, fitOptions, width, height]);
}
