import type { Position } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

/** Sets node positions; `label` distinguishes a drag from an auto layout in the history. */
export function moveNodes(positions: Readonly<Record<string, Position>>, label?: string): Edit {
  const count = Object.keys(positions).length;
  return defineEdit(label ?? (count === 1 ? 'Move node' : `Move ${count} nodes`), (doc) => {
    for (const n of doc.nodes) {
      const p = positions[n.id];
      if (p && (n.position.x !== p.x || n.position.y !== p.y)) n.position = { x: p.x, y: p.y };
    }
  });
}
