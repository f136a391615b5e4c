/**
 * What the engine's pre-run checks share: the shared analysis (active nodes, parsed params), the document,
 * resolved paths, and the inputs opened once (model headers, LoRA headers) so each check reads them at most once.
 */
import type { GraphAnalysis } from '../../../../shared/graph/analyze.js';
import type { GraphDocument, GraphNode } from '../../../../shared/graph/document.js';
import type { Problem } from '../../../../shared/graph/problems.js';
import { nodeTitle } from '../../../../shared/graph/titles.js';
import type { NodeRegistry } from '../../../../shared/nodes/registry.js';
import type { PathOptions } from '../plan-paths.js';

export interface CheckContext {
  readonly doc: GraphDocument;
  readonly registry: NodeRegistry;
  readonly analysis: GraphAnalysis;
  readonly paths: PathOptions;
}

const INACTIVE_NOTE = ' (Not run: the node feeds no output that is being run.)';

/** A problem on a node: an error when the node runs, a warning when it does not (as shared validation does). */
export function nodeProblem(ctx: CheckContext, node: GraphNode, p: Omit<Problem, 'severity' | 'nodeId' | 'nodeTitle'> & { severity?: Problem['severity'] }): Problem {
  const active = ctx.analysis.active.has(node.id);
  const severity = p.severity ?? 'error';
  return {
    ...p,
    severity: active ? severity : 'warning',
    message: active || severity === 'warning' ? p.message : p.message + INACTIVE_NOTE,
    nodeId: node.id,
    nodeTitle: nodeTitle(node, ctx.registry),
  };
}

export function titleOf(ctx: CheckContext, node: GraphNode): string {
  return nodeTitle(node, ctx.registry);
}
