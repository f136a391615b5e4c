/**
 * File params in a graph are written relative to the graph file's folder (so a graph and its files can be
 * moved together): resolve them against `baseDir` before running. `outputDir` redirects every output file
 * param (mode 'save') into one folder, keeping its file name (examples and tests write into a temp dir).
 */
import path from 'node:path';
import type { ExecutionPlan, PlanNode } from '../../../shared/graph/plan.js';
import type { AnyNodeDefinition } from '../../../shared/nodes/definition.js';
import type { NodeRegistry } from '../../../shared/nodes/registry.js';

export interface PathOptions {
  /** Folder relative file params resolve against (the graph file's); default: the current directory. */
  readonly baseDir?: string;
  /** Write every output into this folder instead (file names kept). */
  readonly outputDir?: string;
}

export type FileParamMode = 'open' | 'save' | 'directory';

/** The file params of a definition, with their pick mode. */
export function fileParams(def: AnyNodeDefinition): { name: string; mode: FileParamMode }[] {
  return Object.entries(def.params).flatMap(([name, field]) => (field.widget.kind === 'file' ? [{ name, mode: field.widget.mode }] : []));
}

export function resolveFilePath(value: string, opts: PathOptions): string {
  const expanded = value.startsWith('~/') && process.env.HOME ? path.join(process.env.HOME, value.slice(2)) : value;
  return path.resolve(opts.baseDir ?? process.cwd(), expanded);
}

export function resolveOutputPath(value: string, opts: PathOptions): string {
  const resolved = resolveFilePath(value, opts);
  return opts.outputDir ? path.join(path.resolve(opts.outputDir), path.basename(resolved)) : resolved;
}

export function resolveNodePaths(node: PlanNode, def: AnyNodeDefinition, opts: PathOptions): PlanNode {
  const files = fileParams(def);
  if (files.length === 0) return node;
  const params: Record<string, unknown> = { ...node.params };
  for (const { name, mode } of files) {
    const v = params[name];
    if (typeof v !== 'string' || v === '') continue;
    params[name] = mode === 'save' ? resolveOutputPath(v, opts) : resolveFilePath(v, opts);
  }
  return { ...node, params };
}

export function resolvePlanPaths(plan: ExecutionPlan, registry: NodeRegistry, opts: PathOptions): ExecutionPlan {
  return {
    ...plan,
    nodes: plan.nodes.map((n) => {
      const def = registry.get(n.type);
      return def ? resolveNodePaths(n, def, opts) : n;
    }),
  };
}
