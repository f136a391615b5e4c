/**
 * `--set <id>.<param>=<value>`: change one param of a node (or of a connection: Combine LoRAs' weight) before
 * running, the value read as the param's widget implies (shared paramValueFromText) and validated with the rest.
 */
import type { GraphDocument, JsonValue } from '../../../shared/graph/document.js';
import type { NodeRegistry } from '../../../shared/nodes/registry.js';
import { paramValueFromText } from '../../../shared/nodes/params/from-text.js';
import { UsageError } from '../errors.js';

export interface ParamOverride {
  readonly id: string;
  readonly param: string;
  readonly text: string;
}

export function parseSetOption(spec: string): ParamOverride {
  const eq = spec.indexOf('=');
  const dot = spec.indexOf('.');
  if (eq < 0 || dot < 0 || dot > eq || dot === 0 || dot === eq - 1) {
    throw new UsageError(`--set ${spec}: expected <nodeId>.<param>=<value>, e.g. --set load-lora-1.path=style.safetensors`);
  }
  return { id: spec.slice(0, dot), param: spec.slice(dot + 1, eq), text: spec.slice(eq + 1) };
}

/** A copy of the document with the overrides applied. Unknown ids and params are usage errors listing what exists. */
export function applyOverrides(doc: GraphDocument, overrides: readonly ParamOverride[], registry: NodeRegistry): GraphDocument {
  const out: GraphDocument = { ...doc, nodes: doc.nodes.map((n) => ({ ...n, params: { ...n.params } })), edges: doc.edges.map((e) => ({ ...e, ...(e.params ? { params: { ...e.params } } : {}) })) };
  for (const o of overrides) {
    const node = out.nodes.find((n) => n.id === o.id);
    if (node) {
      const def = registry.get(node.type);
      if (!def) throw new UsageError(`--set ${o.id}.${o.param}: node ${o.id} has the unknown type ${node.type}.`);
      // Own keys only: "__proto__", "constructor" or "toString" are not params even though every object has them.
      const field = Object.hasOwn(def.params, o.param) ? def.params[o.param] : undefined;
      if (!field) throw new UsageError(`--set ${o.id}.${o.param}: ${def.title} has no param "${o.param}"; it has: ${Object.keys(def.params).join(', ')}.`);
      const v = paramValueFromText(field, o.text);
      if (!v.ok) throw new UsageError(`--set ${o.id}.${o.param}=${o.text}: ${v.message}.`);
      Object.defineProperty(node.params, o.param, { value: v.value as JsonValue, enumerable: true, writable: true, configurable: true });
      continue;
    }
    const edge = out.edges.find((e) => e.id === o.id);
    if (edge) {
      const target = out.nodes.find((n) => n.id === edge.target);
      const port = target && registry.get(target.type)?.inputs.find((p) => p.name === edge.targetPort);
      const field = port?.edgeParams && Object.hasOwn(port.edgeParams, o.param) ? port.edgeParams[o.param] : undefined;
      if (!field) throw new UsageError(`--set ${o.id}.${o.param}: connection ${o.id} has no param "${o.param}"${port?.edgeParams ? `; it has: ${Object.keys(port.edgeParams).join(', ')}` : ''}.`);
      const v = paramValueFromText(field, o.text);
      if (!v.ok) throw new UsageError(`--set ${o.id}.${o.param}=${o.text}: ${v.message}.`);
      edge.params = { ...(edge.params ?? {}), [o.param]: v.value as JsonValue };
      continue;
    }
    throw new UsageError(`--set ${o.id}.${o.param}: the graph has no node or connection "${o.id}"; nodes: ${doc.nodes.map((n) => n.id).join(', ')}.`);
  }
  return out;
}
