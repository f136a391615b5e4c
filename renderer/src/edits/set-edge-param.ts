import type { JsonValue } from '../../../shared/graph/index.js';
import { defineEdit, type Edit } from './edit.js';

/** Sets a per-connection param (Combine LoRAs' weight lives on the edge). */
export function setEdgeParam(edgeId: string, param: string, value: JsonValue, paramLabel = param): Edit {
  return defineEdit(`Set ${paramLabel}`, (doc) => {
    const edge = doc.edges.find((e) => e.id === edgeId);
    if (!edge) return;
    if (JSON.stringify(edge.params?.[param]) === JSON.stringify(value)) return;
    edge.params = { ...(edge.params ?? {}), [param]: structuredClone(value) };
  });
}
