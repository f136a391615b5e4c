import type { NodeMode } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

const LABELS: Record<NodeMode, string> = { bypass: 'Bypass', mute: 'Mute' };

/** Sets (or, with undefined, clears) the bypass / mute mode of nodes. */
export function setNodeMode(nodeIds: readonly string[], mode: NodeMode | undefined, was?: NodeMode): Edit {
  const ids = new Set(nodeIds);
  return defineEdit(mode ? LABELS[mode] : `Turn ${was ? LABELS[was].toLowerCase() : 'mode'} off`, (doc) => {
    for (const n of doc.nodes) {
      if (!ids.has(n.id)) continue;
      if (mode) n.mode = mode;
      else delete n.mode;
    }
  });
}
