import { useCallback, useMemo, useState } from 'react';
import { useReactFlow, type Connection, type EdgeChange, type FinalConnectionState, type NodeChange } from '@xyflow/react';
import { canConnect, type Position } from '../../../shared/graph/index.js';
import { NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { tryConnect } from '../actions/try-connect.js';
import { moveNodes } from '../edits/move-nodes.js';
import { resizeNode } from '../edits/resize-node.js';
import { snapToNeighbours } from '../graph/alignment.js';
import type { StudioFlowEdge, StudioFlowNode } from '../nodes/flow-types.js';
import { useAppStoreApi } from '../store/store-context.js';
import type { Size } from './flow-mapping.js';

/** Pixels (on screen) within which a dragged node snaps to another's edge or centre. */
const SNAP_PIXELS = 6;
const DEFAULT_SIZE: Size = { width: 260, height: 120 };

export interface Guides {
  readonly vertical: number | null;
  readonly horizontal: number | null;
}

const toConnection = (c: Connection) => ({ source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' });

/** React Flow's change callbacks turned into edits; selection into the store; gestures for drags. */
export function useCanvasHandlers(measured: () => ReadonlyMap<string, Size>, setMeasured: (u: { id: string; size: Size }[]) => void) {
  const store = useAppStoreApi();
  const rf = useReactFlow<StudioFlowNode, StudioFlowEdge>();
  const [guides, setGuides] = useState<Guides>({ vertical: null, horizontal: null });

  const applySelection = useCallback(
    (kind: 'nodes' | 'edges', changes: readonly { id: string; selected: boolean }[]) => {
      if (changes.length === 0) return;
      const s = store.getState();
      const set = new Set(s.selection[kind]);
      for (const c of changes) {
        if (c.selected) set.add(c.id);
        else set.delete(c.id);
      }
      s.setSelection({ ...s.selection, [kind]: [...set] });
    },
    [store],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<StudioFlowNode>[]) => {
      const positions: Record<string, Position> = {};
      const sizes: { id: string; size: Size }[] = [];
      const resized: { id: string; size: Size }[] = [];
      const selects: { id: string; selected: boolean }[] = [];
      let moving: string[] = [];
      for (const c of changes) {
        if (c.type === 'position' && c.position) {
          positions[c.id] = { x: Math.round(c.position.x), y: Math.round(c.position.y) };
          if (c.dragging) moving.push(c.id);
        } else if (c.type === 'dimensions' && c.dimensions) {
          const size = { width: Math.round(c.dimensions.width), height: Math.round(c.dimensions.height) };
          // setAttributes: the user resized the node (Note's resize handles), which the document keeps.
          if (c.setAttributes) resized.push({ id: c.id, size });
          else sizes.push({ id: c.id, size: { width: c.dimensions.width, height: c.dimensions.height } });
        }
        else if (c.type === 'select') selects.push({ id: c.id, selected: c.selected });
      }
      if (sizes.length > 0) setMeasured(sizes);
      applySelection('nodes', selects);
      for (const r of resized) store.getState().dispatch(resizeNode(r.id, r.size));
      if (Object.keys(positions).length === 0) return;
      const s = store.getState();
      moving = moving.filter((id) => positions[id]);
      if (moving.length === 1 && !s.snapToGrid) {
        const id = moving[0] as string;
        const p = positions[id] as Position;
        const sizes = measured();
        const size = sizes.get(id) ?? DEFAULT_SIZE;
        const zoom = rf.getZoom();
        const others = s.doc.nodes.filter((n) => n.id !== id).map((n) => ({ ...n.position, ...(sizes.get(n.id) ?? DEFAULT_SIZE) }));
        const snapped = snapToNeighbours({ ...p, ...size }, others, SNAP_PIXELS / zoom);
        positions[id] = { x: Math.round(snapped.x), y: Math.round(snapped.y) };
        // Only when the guides change: a state update per drag frame would re-render the whole canvas.
        setGuides((g) => (g.vertical === snapped.vertical && g.horizontal === snapped.horizontal ? g : { vertical: snapped.vertical, horizontal: snapped.horizontal }));
      }
      s.dispatch(moveNodes(positions));
    },
    [store, rf, measured, setMeasured, applySelection],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<StudioFlowEdge>[]) => {
      applySelection(
        'edges',
        changes.flatMap((c) => (c.type === 'select' ? [{ id: c.id, selected: c.selected }] : [])),
      );
    },
    [applySelection],
  );

  const isValidConnection = useCallback((c: Connection | StudioFlowEdge) => {
    const conn = { source: c.source, sourcePort: c.sourceHandle ?? '', target: c.target, targetPort: c.targetHandle ?? '' };
    return canConnect(store.getState().doc, NODE_REGISTRY, conn, { replace: true }).ok;
  }, [store]);

  const onConnect = useCallback(
    (c: Connection) => {
      const r = tryConnect(store, toConnection(c));
      if (!r.ok) store.getState().toast('error', r.reason);
    },
    [store],
  );

  /** A refused drop says why; a drop on empty canvas offers the nodes that fit the port. */
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      const s = store.getState();
      const from = state.fromHandle;
      if (!from) return;
      if (state.toHandle) {
        if (state.isValid === false) {
          const [src, dst] = from.type === 'source' ? [from, state.toHandle] : [state.toHandle, from];
          const v = canConnect(s.doc, NODE_REGISTRY, { source: src.nodeId, sourcePort: src.id ?? '', target: dst.nodeId, targetPort: dst.id ?? '' }, { replace: true });
          if (!v.ok) s.toast('error', `Not connected: ${v.reason}`);
        }
        return;
      }
      if (state.isValid !== null) return;
      const node = s.doc.nodes.find((n) => n.id === from.nodeId);
      const def = node ? NODE_REGISTRY.get(node.type) : undefined;
      const side = from.type === 'source' ? 'output' : 'input';
      const port = (side === 'output' ? def?.outputs : def?.inputs)?.find((p) => p.name === from.id);
      if (!node || !port) return;
      const point = 'changedTouches' in event ? event.changedTouches[0] : event;
      if (!point) return;
      const screen = { x: point.clientX, y: point.clientY };
      s.openQuickAdd({ screen, flow: rf.screenToFlowPosition(screen), from: { nodeId: node.id, port: port.name, side, type: port.type } });
    },
    [store, rf],
  );

  const onNodeDragStart = useCallback(
    (_e: unknown, _node: StudioFlowNode, nodes: StudioFlowNode[]) => {
      store.getState().beginGesture(nodes.length > 1 ? `Move ${nodes.length} nodes` : 'Move node');
    },
    [store],
  );
  const onNodeDragStop = useCallback(() => {
    store.getState().endGesture();
    setGuides((g) => (g.vertical === null && g.horizontal === null ? g : { vertical: null, horizontal: null }));
  }, [store]);

  return useMemo(
    () => ({ guides, onNodesChange, onEdgesChange, isValidConnection, onConnect, onConnectEnd, onNodeDragStart, onNodeDragStop }),
    [guides, onNodesChange, onEdgesChange, isValidConnection, onConnect, onConnectEnd, onNodeDragStart, onNodeDragStop],
  );
}
