import type { JsonValue } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

/** Sets one param as the user wrote it (raw JSON; validation parses it). `undefined` removes the key. */
export function setNodeParam(nodeId: string, param: string, value: JsonValue | undefined, paramLabel = param): Edit {
  return defineEdit(`Set ${paramLabel}`, (doc) => {
    const node = doc.nodes.find((n) => n.id === nodeId);
    if (!node) return;
    if (value === undefined) delete node.params[param];
    else if (JSON.stringify(node.params[param]) !== JSON.stringify(value)) node.params[param] = structuredClone(value);
  });
}
