/**
 * canConnect: the one rule for connections, answered while the user drags an edge and used again by
 * validation. Refusals come with a stable code and a sentence that names both ends.
 */
import { PORT_TYPE_INFO, portTypesCompatible } from '../nodes/ports.js';
import { findInput, findOutput, type NodeRegistry } from '../nodes/registry.js';
import type { Connection, GraphDocument } from './document.js';
import { nodeTitle } from './titles.js';
import { findPath, successors } from './topology.js';

export type ConnectRefusal =
  | 'unknown-node'
  | 'unknown-node-type'
  | 'self-loop'
  | 'unknown-port'
  | 'type-mismatch'
  | 'duplicate'
  | 'port-occupied'
  | 'cycle';

export type ConnectResult =
  | { ok: true; /** With `replace`: the edge the new one replaces. */ replaces?: string }
  | { ok: false; code: ConnectRefusal; reason: string; /** port-occupied: the edge already there. */ existingEdgeId?: string };

export interface ConnectOptions {
  /** A single-input port that is taken accepts the new edge in place of the old one (drag onto it). */
  readonly replace?: boolean;
}

const refuse = (code: ConnectRefusal, reason: string, existingEdgeId?: string): ConnectResult =>
  existingEdgeId === undefined ? { ok: false, code, reason } : { ok: false, code, reason, existingEdgeId };

export function canConnect(doc: GraphDocument, registry: NodeRegistry, c: Connection, options: ConnectOptions = {}): ConnectResult {
  const source = doc.nodes.find((n) => n.id === c.source);
  const target = doc.nodes.find((n) => n.id === c.target);
  if (!source) return refuse('unknown-node', `There is no node "${c.source}".`);
  if (!target) return refuse('unknown-node', `There is no node "${c.target}".`);
  const sTitle = nodeTitle(source, registry);
  const tTitle = nodeTitle(target, registry);
  if (c.source === c.target) return refuse('self-loop', `${sTitle} cannot be connected to itself.`);
  const sDef = registry.get(source.type);
  const tDef = registry.get(target.type);
  if (!sDef) return refuse('unknown-node-type', `${sTitle} is of an unknown type (${source.type}), so its ports are unknown.`);
  if (!tDef) return refuse('unknown-node-type', `${tTitle} is of an unknown type (${target.type}), so its ports are unknown.`);
  const out = findOutput(sDef, c.sourcePort);
  if (!out) return refuse('unknown-port', `${sTitle} has no output "${c.sourcePort}".`);
  const input = findInput(tDef, c.targetPort);
  if (!input) return refuse('unknown-port', `${tTitle} has no input "${c.targetPort}".`);
  if (!portTypesCompatible(out.type, input.type)) {
    const o = PORT_TYPE_INFO[out.type].label;
    const i = PORT_TYPE_INFO[input.type].label;
    return refuse('type-mismatch', `${sTitle}’s output “${out.label}” is a ${o}; ${tTitle}’s input “${input.label}” takes a ${i}.`);
  }
  const into = doc.edges.filter((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (into.some((e) => e.source === c.source && e.sourcePort === c.sourcePort)) {
    return refuse('duplicate', `${sTitle}’s “${out.label}” is already connected to ${tTitle}’s “${input.label}”.`);
  }
  let replaces: string | undefined;
  if (!input.multiple && into.length > 0) {
    const existing = into[0]?.id as string;
    if (!options.replace) return refuse('port-occupied', `${tTitle}’s input “${input.label}” takes one connection and already has one.`, existing);
    replaces = existing;
  }
  const edges = doc.edges.filter((e) => e.id !== replaces);
  const path = findPath(c.target, c.source, successors(doc.nodes.map((n) => n.id), edges));
  if (path) {
    const titles = path.map((id) => {
      const n = doc.nodes.find((x) => x.id === id);
      return n ? nodeTitle(n, registry) : id;
    });
    return refuse('cycle', `This would create a cycle: ${[...titles, titles[0]].join(' → ')}.`);
  }
  return replaces === undefined ? { ok: true } : { ok: true, replaces };
}
