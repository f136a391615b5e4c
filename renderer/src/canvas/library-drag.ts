/** The drag payload when a node is dragged from the library onto the canvas. */
export const NODE_DRAG_MIME = 'application/x-lora-studio-node';
