/**
 * documentToPlan: what the executor runs. Layout is dropped, nodes that feed no target are pruned, the
 * rest come in a stable topological order with their params parsed (node migrations applied, defaults
 * filled) and their inputs resolved to upstream node outputs. Plain JSON, so it can cross to a worker.
 */
import type { AnyNodeDefinition, NodeParams } from '../nodes/definition.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { analyzeGraph, type AnalyzeOptions } from './analyze.js';
import type { GraphDocument, GraphEdge } from './document.js';
import type { SkippedNode } from './node-modes.js';
import { hasErrors, type Problem } from './problems.js';
import { nodeTitle } from './titles.js';
import { edgesByInput, portKey, topologicalOrder } from './topology.js';

export interface PlanInput {
  readonly edgeId: string;
  /** The upstream node and its output port. */
  readonly node: string;
  readonly port: string;
  /** Parsed edge params (Combine LoRAs' weight); {} for ports without any. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface PlanNode {
  readonly id: string;
  readonly type: string;
  readonly title: string;
  /** Parsed params, in the definition's current version. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Every input port of the definition, in its order; [] where unconnected; multi ports in edge order. */
  readonly inputs: Readonly<Record<string, readonly PlanInput[]>>;
  /** Plan nodes that consume this node's outputs (the executor frees a value once they are done). */
  readonly dependents: readonly string[];
  /** A target of the run (a sink, or a node named in onlyNodes). */
  readonly isTarget: boolean;
}

export interface ExecutionPlan {
  /** Topological order: every node comes after the nodes it reads from. */
  readonly nodes: readonly PlanNode[];
  readonly targets: readonly string[];
  /** Nodes of the document that will not run. */
  readonly pruned: readonly string[];
  /** Warnings found while planning (errors throw GraphPlanError instead). */
  readonly warnings: readonly Problem[];
  /** Nodes (also in `pruned`) that do not run because of bypass / mute, and why. */
  readonly skipped?: readonly SkippedNode[];
}

export class GraphPlanError extends Error {
  readonly code = 'graph-invalid';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(`The graph cannot run:\n${errors.map((p) => `  ${p.message}`).join('\n')}`);
    this.name = 'GraphPlanError';
    this.problems = problems;
  }
}

export function documentToPlan(doc: GraphDocument, registry: NodeRegistry, options: AnalyzeOptions = {}): ExecutionPlan {
  const a = analyzeGraph(doc, registry, options);
  if (hasErrors(a.problems)) throw new GraphPlanError(a.problems);
  const kept = a.effective.nodes.filter((n) => a.active.has(n.id));
  const keptIds = kept.map((n) => n.id);
  const edges = a.validEdges.filter((e) => a.active.has(e.source) && a.active.has(e.target));
  const order = topologicalOrder(keptIds, edges);
  // analyzeGraph reports every cycle among active nodes as an error, so this only guards the invariant.
  if (!order) throw new Error('internal: active nodes form a cycle that validation did not report');
  const byId = new Map(kept.map((n) => [n.id, n]));
  const targets = new Set(a.targets);
  const into = edgesByInput(edges);
  const outOf = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    const list = outOf.get(e.source);
    if (list) list.push(e);
    else outOf.set(e.source, [e]);
  }
  const nodes = order.map((id): PlanNode => {
    const n = byId.get(id);
    const def = n && registry.get(n.type);
    const params = a.params.get(id);
    if (!n || !def || !params) throw new Error(`internal: node ${id} is active but was not analysed`);
    const inputs: Record<string, PlanInput[]> = {};
    for (const port of def.inputs) {
      inputs[port.name] = (into.get(portKey(id, port.name)) ?? []).map((e) => ({ edgeId: e.id, node: e.source, port: e.sourcePort, params: a.edgeParams.get(e.id) ?? {} }));
    }
    const dependents = [...new Set((outOf.get(id) ?? []).map((e) => e.target))];
    return { id, type: n.type, title: nodeTitle(n, registry), params, inputs, dependents, isTarget: targets.has(id) };
  });
  return {
    nodes,
    targets: a.targets,
    pruned: doc.nodes.filter((n) => !a.active.has(n.id)).map((n) => n.id),
    warnings: a.problems,
    ...(a.skipped.length > 0 ? { skipped: a.skipped } : {}),
  };
}

/** A plan node's params, typed by its definition (kernels call this with their own definition). */
export function planParams<D extends AnyNodeDefinition>(node: PlanNode, def: D): NodeParams<D> {
  if (node.type !== def.type) throw new Error(`internal: node ${node.id} is a ${node.type}, not a ${def.type}`);
  return node.params as NodeParams<D>;
}
