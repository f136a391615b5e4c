import { defineCommand, type Command } from './command.js';

export function setCollapsed(nodeIds: readonly string[], collapsed: boolean): Command {
  const ids = new Set(nodeIds);
  return defineCommand(collapsed ? 'Collapse' : 'Expand', (doc) => {
    for (const n of doc.nodes) {
      if (!ids.has(n.id)) continue;
      if (collapsed) n.collapsed = true;
      else delete n.collapsed;
    }
  });
}
