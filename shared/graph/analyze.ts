/**
 * One pass over a document that both validateGraph and documentToPlan use: which nodes run (the targets
 * and everything upstream), their parsed params, the usable edges, and every problem found.
 * Problems on nodes that will not run (they feed no target) are downgraded to warnings: a half-built
 * branch on the canvas must not block running the rest.
 */
import type { AnyNodeDefinition } from '../nodes/definition.js';
import { PORT_TYPE_INFO, portTypesCompatible } from '../nodes/ports.js';
import { findInput, findOutput, type NodeRegistry } from '../nodes/registry.js';
import type { GraphDocument, GraphEdge, GraphNode } from './document.js';
import { effectiveDocument, type SkippedNode } from './node-modes.js';
import { migrateNodeParams, parseNodeParams, parseParams } from './node-params.js';
import { PROBLEM_CODES as C, type Problem } from './problems.js';
import { nodeTitle } from './titles.js';
import { edgesByInput, findCycles, portKey, upstreamClosure } from './topology.js';

export interface AnalyzeOptions {
  /** Run only these nodes (and what they need) instead of every sink. */
  readonly onlyNodes?: readonly string[];
}

export interface GraphAnalysis {
  readonly problems: Problem[];
  readonly targets: string[];
  readonly active: ReadonlySet<string>;
  /** Parsed params (migrated, defaults filled) of every node whose params are valid. */
  readonly params: ReadonlyMap<string, Record<string, unknown>>;
  /** Parsed edge params of valid edges into ports that define them. */
  readonly edgeParams: ReadonlyMap<string, Record<string, unknown>>;
  /** Edges whose ends and ports exist and whose types match. */
  readonly validEdges: readonly GraphEdge[];
  /** The document as it runs: bypassed and muted nodes (and what depends only on them) taken out. */
  readonly effective: GraphDocument;
  /** Nodes of the document that do not run because of bypass / mute. */
  readonly skipped: readonly SkippedNode[];
}

const INACTIVE_NOTE = ' (Not run: the node feeds no output that is being run.)';

export function analyzeGraph(original: GraphDocument, registry: NodeRegistry, options: AnalyzeOptions = {}): GraphAnalysis {
  const { doc, skipped } = effectiveDocument(original, registry);
  const problems: Problem[] = [];
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const nodeIds = doc.nodes.map((n) => n.id);
  const title = (n: GraphNode): string => nodeTitle(n, registry);
  const at = (n: GraphNode): Pick<Problem, 'nodeId' | 'nodeTitle'> => ({ nodeId: n.id, nodeTitle: title(n) });

  // Edges.
  const validEdges: GraphEdge[] = [];
  /** Edges to or from nodes of unknown types: not usable, but they do occupy their port. */
  const unresolved: GraphEdge[] = [];
  const seenConnections = new Set<string>();
  for (const e of doc.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) {
      const missing = !s ? e.source : e.target;
      problems.push({
        severity: 'error',
        code: C.danglingEdge,
        edgeId: e.id,
        ...(t ? at(t) : s ? at(s) : {}),
        message: `Connection ${e.id} refers to a node "${missing}" that does not exist.`,
        hint: 'Delete the connection.',
      });
      continue;
    }
    const sDef = registry.get(s.type);
    const tDef = registry.get(t.type);
    if (!sDef || !tDef) {
      unresolved.push(e); // the unknown node type is reported once, below
      continue;
    }
    const out = findOutput(sDef, e.sourcePort);
    const inp = findInput(tDef, e.targetPort);
    if (!out || !inp) {
      const [n, kind, port] = !out ? [s, 'output', e.sourcePort] : [t, 'input', e.targetPort];
      problems.push({ severity: 'error', code: C.unknownPort, edgeId: e.id, ...at(n), port, message: `${title(n)} has no ${kind} "${port}".` });
      continue;
    }
    if (!portTypesCompatible(out.type, inp.type)) {
      problems.push({
        severity: 'error',
        code: C.incompatibleConnection,
        edgeId: e.id,
        ...at(t),
        port: inp.name,
        message: `${title(s)}’s output “${out.label}” is a ${PORT_TYPE_INFO[out.type].label} but ${title(t)}’s input “${inp.label}” takes a ${PORT_TYPE_INFO[inp.type].label}.`,
      });
      continue;
    }
    const key = `${e.source}\u0000${e.sourcePort}\u0000${e.target}\u0000${e.targetPort}`;
    if (seenConnections.has(key)) {
      problems.push({
        severity: 'error',
        code: C.duplicateEdge,
        edgeId: e.id,
        ...at(t),
        port: inp.name,
        message: `${title(t)}: “${inp.label}” is connected twice to ${title(s)}’s “${out.label}”.`,
        hint: 'Delete one of the two connections.',
      });
      continue;
    }
    seenConnections.add(key);
    validEdges.push(e);
  }

  // Targets and the nodes that will run.
  let targets: string[];
  if (options.onlyNodes) {
    targets = options.onlyNodes.filter((id) => byId.has(id));
    for (const id of options.onlyNodes.filter((x) => !byId.has(x))) {
      problems.push({ severity: 'error', code: C.unknownNode, nodeId: id, message: `There is no node "${id}" to run.` });
    }
  } else {
    targets = doc.nodes.filter((n) => registry.get(n.type)?.sink).map((n) => n.id);
  }
  if (targets.length === 0 && !options.onlyNodes) {
    const sinks = registry.list().filter((d) => d.sink).map((d) => d.title);
    const skippedSinks = original.nodes.filter((n) => registry.get(n.type)?.sink && skipped.some((s) => s.nodeId === n.id));
    problems.push(
      skippedSinks.length > 0
        ? {
            severity: 'error',
            code: C.noSink,
            message: `Nothing to run: every output node is bypassed, muted or needs a node that is (${skippedSinks.map((n) => nodeTitle(n, registry)).join(', ')}).`,
            hint: 'Right-click a node and choose Bypass / Mute again (Ctrl+B / Ctrl+M) to turn it back on.',
          }
        : { severity: 'error', code: C.noSink, message: 'Nothing to run: the graph has no output node.', hint: `Add one of: ${sinks.join(', ')}.` },
    );
  }
  const linked = doc.edges.filter((e) => byId.has(e.source) && byId.has(e.target));
  const active = upstreamClosure(targets, nodeIds, linked);

  // Nodes.
  const params = new Map<string, Record<string, unknown>>();
  const edgeParams = new Map<string, Record<string, unknown>>();
  const nodeProblems: Problem[] = [];
  const validInto = edgesByInput(validEdges);
  const unresolvedInto = edgesByInput(unresolved);
  for (const n of doc.nodes) {
    const def = registry.get(n.type);
    if (!def) {
      nodeProblems.push({
        severity: 'error',
        code: C.unknownNodeType,
        ...at(n),
        message: `${title(n)}: unknown node type "${n.type}". It is kept in the file but cannot run.`,
        hint: 'It may come from a newer LoRA Studio; update, or delete the node.',
      });
      continue;
    }
    analyzeNode(n, def, validInto, unresolvedInto, title(n), nodeProblems, params, edgeParams);
  }
  problems.push(...nodeProblems);

  for (const cycle of findCycles(nodeIds, linked)) {
    const first = byId.get(cycle[0] as string) as GraphNode;
    const names = cycle.map((id) => title(byId.get(id) as GraphNode));
    problems.push({
      severity: 'error',
      code: C.cycle,
      ...at(first),
      nodeIds: cycle,
      message: `These nodes form a cycle: ${names.join(' → ')} → ${names[0]}.`,
      hint: 'Remove one of the connections between them.',
    });
  }

  const edgeById = new Map(doc.edges.map((e) => [e.id, e]));
  const downgraded = problems.map((p): Problem => {
    const ids = p.nodeIds ?? (p.nodeId !== undefined && byId.has(p.nodeId) ? [p.nodeId] : []);
    const edgeTarget = p.edgeId !== undefined ? edgeById.get(p.edgeId)?.target : undefined;
    const involved = edgeTarget !== undefined ? [edgeTarget] : ids;
    if (p.severity !== 'error' || involved.length === 0 || involved.some((id) => active.has(id))) return p;
    return { ...p, severity: 'warning', message: p.message + INACTIVE_NOTE };
  });
  return { problems: downgraded, targets, active, params, edgeParams, validEdges, effective: doc, skipped };
}

function analyzeNode(
  n: GraphNode,
  def: AnyNodeDefinition,
  edges: ReadonlyMap<string, readonly GraphEdge[]>,
  unresolved: ReadonlyMap<string, readonly GraphEdge[]>,
  title: string,
  problems: Problem[],
  params: Map<string, Record<string, unknown>>,
  edgeParams: Map<string, Record<string, unknown>>,
): void {
  const at = { nodeId: n.id, nodeTitle: title };
  const migrated = migrateNodeParams(def, n.typeVersion, n.params);
  let parsed: Record<string, unknown> | undefined;
  if (!migrated.ok) {
    problems.push({ severity: 'error', code: migrated.code, ...at, message: `${title} ${migrated.message}.`, hint: 'Update LoRA Studio, or delete the node.' });
  } else {
    const r = parseNodeParams(def, migrated.params);
    for (const k of r.unknownKeys) {
      problems.push({ severity: 'warning', code: C.paramUnknown, ...at, param: k, message: `${title}: “${k}” is not a setting of ${def.title}; it is ignored.` });
    }
    for (const i of r.ignored) problems.push({ severity: 'warning', code: C.paramIgnored, ...at, param: i.param, message: `${title}: ${i.message}.` });
    if (r.ok) parsed = r.params;
    else for (const i of r.issues) problems.push({ severity: 'error', code: C.paramInvalid, ...at, param: i.param, message: `${title}: ${i.message}.` });
  }

  const connected: Record<string, number> = {};
  for (const port of def.inputs) {
    const into = edges.get(portKey(n.id, port.name)) ?? [];
    connected[port.name] = into.length;
    const occupied = into.length + (unresolved.get(portKey(n.id, port.name))?.length ?? 0);
    if (port.required && occupied === 0) {
      problems.push({
        severity: 'error',
        code: C.missingInput,
        ...at,
        port: port.name,
        message: `${title} needs a ${PORT_TYPE_INFO[port.type].label} on its input “${port.label}”.`,
      });
    }
    if (!port.multiple && into.length > 1) {
      problems.push({ severity: 'error', code: C.tooManyInputs, ...at, port: port.name, message: `${title}’s input “${port.label}” takes one connection, it has ${into.length}.` });
    }
    for (const e of into) {
      const schema = def.edgeParamsSchemas[port.name];
      if (!port.edgeParams || !schema) {
        if (e.params && Object.keys(e.params).length > 0) {
          problems.push({ severity: 'warning', code: C.edgeParamUnknown, ...at, edgeId: e.id, port: port.name, message: `${title}: connection ${e.id} carries settings that “${port.label}” does not use; they are ignored.` });
        }
        continue;
      }
      const r = parseParams(port.edgeParams, schema, e.params ?? {});
      for (const k of r.unknownKeys) {
        problems.push({ severity: 'warning', code: C.edgeParamUnknown, ...at, edgeId: e.id, port: port.name, param: k, message: `${title}: “${k}” is not a setting of a “${port.label}” connection; it is ignored.` });
      }
      if (r.ok) edgeParams.set(e.id, r.params);
      else {
        for (const i of r.issues) {
          problems.push({ severity: 'error', code: C.edgeParamInvalid, ...at, edgeId: e.id, port: port.name, param: i.param, message: `${title}, input “${port.label}” (${e.source}): ${i.message}.` });
        }
      }
    }
  }

  if (parsed === undefined) return;
  params.set(n.id, parsed);
  for (const issue of def.check?.(parsed, { connected }) ?? []) {
    problems.push({
      severity: issue.severity ?? 'error',
      code: issue.code,
      ...at,
      ...(issue.param !== undefined ? { param: issue.param } : {}),
      ...(issue.port !== undefined ? { port: issue.port } : {}),
      message: `${title}: ${issue.message}.`,
    });
  }
}
