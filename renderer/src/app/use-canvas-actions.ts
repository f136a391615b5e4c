import { useMemo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { addNodeOfType } from '../actions/add-node-of-type.js';
import { layoutGraph } from '../actions/layout-graph.js';
import type { StudioFlowEdge, StudioFlowNode } from '../nodes/flow-types.js';
import type { AppStore } from '../store/app-store.js';
import type { CanvasActions } from './actions-context.js';

const FIT = { padding: 0.15, maxZoom: 1.2, duration: 250 };

function canvasCenter(): { x: number; y: number } {
  const r = document.querySelector('.canvas-area')?.getBoundingClientRect();
  return r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: window.innerWidth / 2, y: window.innerHeight / 2 };
}

export function useCanvasActions(store: AppStore): CanvasActions {
  const rf = useReactFlow<StudioFlowNode, StudioFlowEdge>();
  return useMemo(
    (): CanvasActions => ({
      fitView: () => void rf.fitView(FIT),
      autoLayout: () => {
        if (layoutGraph(store, (id) => rf.getInternalNode(id)?.measured as { width: number; height: number } | undefined)) {
          requestAnimationFrame(() => void rf.fitView(FIT));
        }
      },
      focusNode: (nodeId) => {
        const n = rf.getInternalNode(nodeId);
        store.getState().selectNodes([nodeId]);
        if (!n) return;
        const w = n.measured.width ?? 260;
        const h = n.measured.height ?? 120;
        void rf.setCenter(n.internals.positionAbsolute.x + w / 2, n.internals.positionAbsolute.y + h / 2, { zoom: Math.max(rf.getZoom(), 0.9), duration: 300 });
      },
      quickAddAtCenter: () => {
        const screen = canvasCenter();
        store.getState().openQuickAdd({ screen: { x: screen.x - 150, y: screen.y - 120 }, flow: rf.screenToFlowPosition(screen) });
      },
      addNodeAtCenter: (type) => {
        const p = rf.screenToFlowPosition(canvasCenter());
        // Nudge each new node so repeated clicks do not stack them exactly.
        const n = store.getState().doc.nodes.length % 6;
        addNodeOfType(store, type, { x: Math.round(p.x - 130 + n * 24), y: Math.round(p.y - 60 + n * 24) });
      },
    }),
    [rf, store],
  );
}
