import type { NodeMode } from '../../../shared/graph/index.js';
import { defineCommand, type Command } from './command.js';

const LABELS: Record<NodeMode, string> = { bypass: 'Bypass', mute: 'Mute' };

/** Sets (or, with undefined, clears) the bypass / mute mode of nodes. */
export function setNodeMode(nodeIds: readonly string[], mode: NodeMode | undefined, was?: NodeMode): Command {
  const ids = new Set(nodeIds);
  return defineCommand(mode ? LABELS[mode] : `Turn ${was ? LABELS[was].toLowerCase() : 'mode'} off`, (doc) => {
    for (const n of doc.nodes) {
      if (!ids.has(n.id)) continue;
      if (mode) n.mode = mode;
      else delete n.mode;
    }
  });
}
