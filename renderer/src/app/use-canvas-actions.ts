import { useMemo } from 'react';
import { useReactFlow } from '@xyflow/react';
import { addNodeOfType } from '../actions/add-node-of-type.js';
import { layoutGraph } from '../actions/layout-graph.js';
import { freeSpot } from '../graph/free-spot.js';
import type { StudioFlowEdge, StudioFlowNode } from '../nodes/flow-types.js';
import type { AppStore } from '../store/app-store.js';
import type { CanvasActions } from './actions-context.js';

const FIT = { padding: 0.15, maxZoom: 1.2, duration: 250 };
/** A new node's size before React Flow has measured it. */
const NEW_NODE = { width: 260, height: 140 };

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
        // Where there is room: not on top of the last node, and inside the visible canvas (minimap and zoom
        // controls sit in its bottom corners).
        const taken = store.getState().doc.nodes.map((n) => ({ ...n.position, ...(rf.getInternalNode(n.id)?.measured ?? {}), width: rf.getInternalNode(n.id)?.measured.width ?? NEW_NODE.width, height: rf.getInternalNode(n.id)?.measured.height ?? NEW_NODE.height }));
        const r = document.querySelector('.canvas-area')?.getBoundingClientRect();
        const topLeft = r ? rf.screenToFlowPosition({ x: r.left + 16, y: r.top + 16 }) : undefined;
        const bottomRight = r ? rf.screenToFlowPosition({ x: r.right - 16, y: r.bottom - 130 }) : undefined;
        const bounds = topLeft && bottomRight ? { x: topLeft.x, y: topLeft.y, width: bottomRight.x - topLeft.x, height: bottomRight.y - topLeft.y } : undefined;
        addNodeOfType(store, type, freeSpot({ x: p.x - NEW_NODE.width / 2, y: p.y - NEW_NODE.height / 2 }, NEW_NODE, taken, bounds));
      },
    }),
    [rf, store],
  );
}
