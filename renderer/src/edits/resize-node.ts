import { defineEdit, type Edit } from './edit.js';

export function resizeNode(nodeId: string, size: { width: number; height: number }): Edit {
  return defineEdit('Resize node', (doc) => {
    const node = doc.nodes.find((n) => n.id === nodeId);
    if (!node || (node.size?.width === size.width && node.size.height === size.height)) return;
    node.size = { width: size.width, height: size.height };
  });
}
