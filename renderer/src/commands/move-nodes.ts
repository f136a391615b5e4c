import type { Position } from '../../../shared/graph/index.js';
import { defineCommand, type Command } from './command.js';

/** Sets node positions; `label` distinguishes a drag from an auto layout in the history. */
export function moveNodes(positions: Readonly<Record<string, Position>>, label?: string): Command {
  const count = Object.keys(positions).length;
  return defineCommand(label ?? (count === 1 ? 'Move node' : `Move ${count} nodes`), (doc) => {
    for (const n of doc.nodes) {
      const p = positions[n.id];
      if (p && (n.position.x !== p.x || n.position.y !== p.y)) n.position = { x: p.x, y: p.y };
    }
  });
}
