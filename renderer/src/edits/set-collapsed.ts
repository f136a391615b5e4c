import { defineEdit, type Edit } from './edit.js';

export function setCollapsed(nodeIds: readonly string[], collapsed: boolean): Edit {
  const ids = new Set(nodeIds);
  return defineEdit(collapsed ? 'Collapse' : 'Expand', (doc) => {
    for (const n of doc.nodes) {
      if (!ids.has(n.id)) continue;
      if (collapsed) n.collapsed = true;
      else delete n.collapsed;
    }
  });
}
