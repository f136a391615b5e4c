import type { JsonValue } from '../../../shared/graph/index.js';
import { defineCommand, type Command } from './command.js';

/** Sets a per-connection param (Combine LoRAs' weight lives on the edge). */
export function setEdgeParam(edgeId: string, param: string, value: JsonValue, paramLabel = param): Command {
  return defineCommand(`Set ${paramLabel}`, (doc) => {
    const edge = doc.edges.find((e) => e.id === edgeId);
    if (!edge) return;
    if (JSON.stringify(edge.params?.[param]) === JSON.stringify(value)) return;
    edge.params = { ...(edge.params ?? {}), [param]: structuredClone(value) };
  });
}
