import { NodeResizer } from '@xyflow/react';
import { useAppStoreApi } from '../store/store-context.js';

/** Resize handles of a Note (the only resizable node); a whole resize is one undo step. */
export function NoteResizer({ nodeId, visible }: { readonly nodeId: string; readonly visible: boolean }) {
  const store = useAppStoreApi();
  return (
    <NodeResizer
      nodeId={nodeId}
      isVisible={visible}
      minWidth={180}
      minHeight={90}
      onResizeStart={() => store.getState().beginGesture('Resize note')}
      onResizeEnd={() => store.getState().endGesture()}
    />
  );
}
