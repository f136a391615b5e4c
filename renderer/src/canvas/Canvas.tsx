import { useCallback, type DragEvent, type MouseEvent } from 'react';
import { Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import { CATEGORY_INFO, NODE_REGISTRY } from '../../../shared/nodes/index.js';
import { addNodeOfType } from '../actions/add-node-of-type.js';
import { useActions } from '../app/actions-context.js';
import { EDGE_COMPONENTS, NODE_COMPONENTS } from '../nodes/node-types.js';
import type { StudioFlowEdge, StudioFlowNode } from '../nodes/flow-types.js';
import { useAppStore, useAppStoreApi } from '../store/store-context.js';
import type { ContextMenuRequest } from '../store/ui-slice.js';
import { ConnectionHint } from './ConnectionHint.js';
import { ContextMenu } from './ContextMenu.js';
import { EmptyState } from './EmptyState.js';
import { HelperLines } from './HelperLines.js';
import { NODE_DRAG_MIME } from './library-drag.js';
import { QuickAdd } from './QuickAdd.js';
import { useCanvasHandlers } from './use-canvas-handlers.js';
import { useFlowElements } from './use-flow-elements.js';
import { forgetCanvasPointer, usePointerTracker } from './pointer.js';
import { useFitOnLoad } from './use-fit-on-load.js';

/** A dropped file bigger than this is not read (workflows are small JSON files). */
const MAX_DROPPED_WORKFLOW_BYTES = 32 * 1024 * 1024;
const SNAP_GRID: [number, number] = [20, 20];
const MINIMAP_SIZE = { width: 160, height: 110 };
const FIT_VIEW_OPTIONS = { padding: 0.15, maxZoom: 1.2 };

function minimapColor(node: StudioFlowNode): string {
  const def = NODE_REGISTRY.get(node.data.node.type);
  return def ? CATEGORY_INFO[def.category].color : '#999';
}

/** The graph editor: React Flow bound to the store (every change an edit), with its overlays. */
export function Canvas() {
  const store = useAppStoreApi();
  const rf = useReactFlow<StudioFlowNode, StudioFlowEdge>();
  const actions = useActions();
  const theme = useAppStore((s) => s.theme);
  const snapToGrid = useAppStore((s) => s.snapToGrid);
  const empty = useAppStore((s) => s.doc.nodes.length === 0);
  const flow = useFlowElements();
  const h = useCanvasHandlers(flow.measured, flow.setMeasured);
  const trackPointer = usePointerTracker();
  useFitOnLoad(FIT_VIEW_OPTIONS);

  const onDoubleClick = useCallback(
    (e: MouseEvent) => {
      if (!(e.target instanceof Element) || !e.target.classList.contains('react-flow__pane')) return;
      const screen = { x: e.clientX, y: e.clientY };
      store.getState().openQuickAdd({ screen, flow: rf.screenToFlowPosition(screen) });
    },
    [store, rf],
  );

  const openMenu = useCallback(
    (e: MouseEvent | globalThis.MouseEvent, target: ContextMenuRequest['target']) => {
      e.preventDefault();
      const s = store.getState();
      if (target.kind === 'node' && !s.selection.nodes.includes(target.nodeId)) s.selectNodes([target.nodeId]);
      if (target.kind === 'edge') s.selectEdge(target.edgeId);
      const screen = { x: e.clientX, y: e.clientY };
      s.openContextMenu({ screen, flow: rf.screenToFlowPosition(screen), target });
    },
    [store, rf],
  );
  const onNodeContextMenu = useCallback((e: MouseEvent, node: StudioFlowNode) => openMenu(e, { kind: 'node', nodeId: node.id }), [openMenu]);
  const onEdgeContextMenu = useCallback((e: MouseEvent, edge: StudioFlowEdge) => openMenu(e, { kind: 'edge', edgeId: edge.id }), [openMenu]);
  const onPaneContextMenu = useCallback((e: MouseEvent | globalThis.MouseEvent) => openMenu(e, { kind: 'canvas' }), [openMenu]);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(NODE_DRAG_MIME) || e.dataTransfer.types.includes('Files')) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (e: DragEvent) => {
      // A file from the desktop: a ComfyUI workflow to import (a graph file goes through Open).
      const file = e.dataTransfer.files[0];
      if (file) {
        e.preventDefault();
        if (!/\.json$/i.test(file.name) || file.size > MAX_DROPPED_WORKFLOW_BYTES) {
          store.getState().toast('warning', `“${file.name}” is not a workflow: drop a ComfyUI workflow (.json) to import it.`, 'Models and LoRAs are chosen on Load nodes.');
          return;
        }
        void file.text().then((text) => actions.file.importWorkflow(text, file.name));
        return;
      }
      const type = e.dataTransfer.getData(NODE_DRAG_MIME);
      if (!type) return;
      e.preventDefault();
      const p = rf.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addNodeOfType(store, type, { x: Math.round(p.x), y: Math.round(p.y) });
    },
    [store, rf, actions],
  );

  return (
    <div className="canvas-area" onDoubleClick={onDoubleClick} onDragOver={onDragOver} onDrop={onDrop} onPointerMove={trackPointer} onPointerLeave={forgetCanvasPointer}>
      <ReactFlow<StudioFlowNode, StudioFlowEdge>
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={NODE_COMPONENTS}
        edgeTypes={EDGE_COMPONENTS}
        onNodesChange={h.onNodesChange}
        onEdgesChange={h.onEdgesChange}
        onConnect={h.onConnect}
        onConnectEnd={h.onConnectEnd}
        isValidConnection={h.isValidConnection}
        onNodeDragStart={h.onNodeDragStart}
        onNodeDragStop={h.onNodeDragStop}
        onNodeContextMenu={onNodeContextMenu}
        onEdgeContextMenu={onEdgeContextMenu}
        onPaneContextMenu={onPaneContextMenu}
        colorMode={theme}
        snapToGrid={snapToGrid}
        snapGrid={SNAP_GRID}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
        zoomOnDoubleClick={false}
        minZoom={0.1}
        maxZoom={2.5}
        fitViewOptions={FIT_VIEW_OPTIONS}
        connectionRadius={28}
        elevateNodesOnSelect
        aria-label="Graph canvas"
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="var(--grid)" />
        <MiniMap<StudioFlowNode> pannable zoomable nodeColor={minimapColor} ariaLabel="Minimap of the graph" style={MINIMAP_SIZE} />
        <Controls fitViewOptions={FIT_VIEW_OPTIONS} showInteractive={false} orientation="horizontal" aria-label="Zoom controls" />
        <HelperLines vertical={h.guides.vertical} horizontal={h.guides.horizontal} />
      </ReactFlow>
      {empty && <EmptyState />}
      <ConnectionHint />
      <QuickAdd />
      <ContextMenu />
    </div>
  );
}
