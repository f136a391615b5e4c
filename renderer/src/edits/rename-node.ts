import { defineEdit, type Edit } from './edit.js';

/** Gives a node its own title; an empty one goes back to the definition's title. */
export function renameNode(nodeId: string, title: string): Edit {
  return defineEdit('Rename node', (doc) => {
    const node = doc.nodes.find((n) => n.id === nodeId);
    if (!node) return;
    const t = title.trim();
    if (t === '') delete node.title;
    else if (node.title !== t) node.title = t;
  });
}
