/**
 * A node impl computes one node type: it gets the node's typed params, its input values, a RunContext
 * (signal, progress, log) and the worker pool, and returns its output values, a one-line summary for the
 * node's badge, an optional report, and for sinks the files written. Node impls live in ./node-impls/, one per
 * node definition of shared/nodes/catalogue (a start-up test keeps the two lists equal).
 */
import type { OutputFile } from '../../../shared/ipc/runs.js';
import type { Report } from '../../../shared/ipc/reports.js';
import type { AnyNodeDefinition, NodeParams } from '../../../shared/nodes/definition.js';
import type { PlanNode } from '../../../shared/graph/plan.js';
import type { WorkerPool } from '../compute/worker-pool.js';
import type { RunContext } from '../run-context.js';
import type { GraphValue } from './graph-values.js';
import type { NodeImplInputs } from './node-impl-inputs.js';

/** Knobs a run passes to every node impl (tests and slow-motion demos use them). */
export interface NodeImplRunOptions {
  /** Bytes of tensor data a streaming sink may hold in flight (default 256 MiB). */
  readonly windowBytes?: number;
  /** Pause after each streamed tensor (ms): slow motion for testing progress and Stop. */
  readonly debugDelayMs?: number;
  /** Hash inputs for the recipe written into outputs (reads every input file once more). Default true. */
  readonly hashInputs?: boolean;
  /** The user agreed to write over existing outputs of Save nodes set to "ask" (the app's question, run --overwrite). */
  readonly overwriteConfirmed?: boolean;
}

export interface NodeImplContext<D extends AnyNodeDefinition> {
  readonly node: PlanNode;
  readonly definition: D;
  readonly params: NodeParams<D>;
  readonly inputs: NodeImplInputs;
  /** signal (Stop), onProgress (0..1 of this node), log (run log lines tied to this node). */
  readonly run: RunContext & { readonly signal: AbortSignal };
  /** The engine's worker pool, started on first use. */
  pool(): Promise<WorkerPool>;
  readonly options: NodeImplRunOptions;
  /** This node and every node feeding it, with params and per-connection params: what sinks store as the recipe. */
  upstream(): UpstreamNode[];
}

export interface UpstreamNode {
  readonly id: string;
  readonly type: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, readonly { from: string; params?: Readonly<Record<string, unknown>> }[]>>;
}

export interface NodeImplResult {
  /** One value per output port the definition declares. */
  readonly outputs?: Readonly<Record<string, GraphValue>>;
  /** One line for the node's badge ("rank 16, 264 modules", "written 2.1 GB"). */
  readonly summary?: string;
  readonly report?: Report;
  /** Sinks: what they wrote. */
  readonly files?: readonly OutputFile[];
  /** Releases what the outputs hold open (Load Model's file handle); called when the result leaves the cache. */
  readonly dispose?: () => Promise<void>;
}

export interface NodeImpl<D extends AnyNodeDefinition = AnyNodeDefinition> {
  readonly definition: D;
  run(ctx: NodeImplContext<D>): Promise<NodeImplResult>;
}

/** Node impls are written against their own definition, so params are typed from its schema. */
export function defineNodeImpl<D extends AnyNodeDefinition>(definition: D, run: (ctx: NodeImplContext<D>) => Promise<NodeImplResult>): NodeImpl {
  return { definition, run: run as unknown as NodeImpl['run'] };
}
