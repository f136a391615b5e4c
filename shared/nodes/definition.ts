/**
 * A node definition: everything the UI needs to draw and document a node and everything the engine needs
 * to validate and parse it. Node impls (main/engine/graph/node-impls/) are looked up by `type`.
 *
 * Multi-input ports (`multiple: true`, e.g. Combine LoRAs' `loras`) carry per-input params ON THE EDGE
 * (`edge.params`, schema `edgeParams`): a weight belongs to the connection, so deleting, reconnecting or
 * reordering one input never shifts another input's weight. The inputs of a multi port are ordered by the
 * order of their edges in the document's `edges` array (the UI's "move up/down" reorders that array).
 */
import { z } from 'zod';
import type { NodeCategory } from './categories.js';
import type { ParamFields, ParamsOf } from './params/field.js';
import type { PortType } from './ports.js';

export interface InputPortDef {
  /** camelCase, unique among the node's inputs; what edges name in `targetPort`. */
  readonly name: string;
  readonly label: string;
  readonly type: PortType;
  readonly description: string;
  /** A run needs at least one connection here. */
  readonly required: boolean;
  /** Accepts several connections (otherwise at most one). */
  readonly multiple: boolean;
  /** Params of each connection into this port (multiple ports only). */
  readonly edgeParams?: ParamFields;
}

export interface OutputPortDef {
  readonly name: string;
  readonly label: string;
  readonly type: PortType;
  readonly description: string;
}

/** Upgrades a node's params from `from` to `from + 1`; must not throw on params it does not understand. */
export interface ParamMigration {
  readonly from: number;
  readonly description: string;
  migrate(params: Readonly<Record<string, unknown>>): Record<string, unknown>;
}

/** Context a definition's cross-field check sees. */
export interface NodeCheckContext {
  /** Number of connections into each input port (0 for unconnected ones). */
  readonly connected: Readonly<Record<string, number>>;
}

export interface NodeCheckIssue {
  /** Stable, kebab-case (e.g. "needs-input-c"). */
  readonly code: string;
  /** A predicate about the node, e.g. "Add difference needs a model on input C". */
  readonly message: string;
  readonly param?: string;
  readonly port?: string;
  /** Default "error". */
  readonly severity?: 'error' | 'warning';
}

export interface Reference {
  readonly label: string;
  readonly url: string;
}

export interface NodeSpec<F extends ParamFields> {
  /** Stable id, "lora-studio/<kebab-name>"; never renamed (graph files store it). */
  readonly type: string;
  readonly title: string;
  readonly category: NodeCategory;
  /** One line for the library and tooltips. */
  readonly description: string;
  /** Markdown: what it does, which convention it follows, the formula. */
  readonly docs: string;
  readonly references?: readonly Reference[];
  /** Search words beyond the title (e.g. "bake", "fuse" for Apply LoRA). */
  readonly keywords?: readonly string[];
  /**
   * Names other tools give this node (ComfyUI class names such as "LoraLoader", and their display names):
   * quick-add finds them and shows "LoraLoader → Load LoRA".
   */
  readonly aliases?: readonly string[];
  /** Starts at 1; bump when params change meaning and add a migration. */
  readonly version: number;
  readonly inputs: readonly InputPortDef[];
  readonly outputs: readonly OutputPortDef[];
  readonly params: F;
  /** Append-only: migrations[i].from === i + 1. */
  readonly migrations?: readonly ParamMigration[];
  /**
   * A sink is a reason to run: Save Model, Save LoRA, Save Report, Inspect, Probe. documentToPlan keeps
   * sinks and everything upstream of them, and drops the rest.
   */
  readonly sink?: boolean;
  /** Cross-field and port-dependent rules the param schemas cannot express. */
  check?(params: ParamsOf<F>, ctx: NodeCheckContext): NodeCheckIssue[];
}

export interface NodeDefinition<F extends ParamFields = ParamFields> extends Omit<NodeSpec<F>, 'migrations' | 'sink' | 'keywords' | 'aliases' | 'references'> {
  readonly migrations: readonly ParamMigration[];
  readonly sink: boolean;
  readonly keywords: readonly string[];
  readonly aliases: readonly string[];
  readonly references: readonly Reference[];
  /** z.object of the param fields: parse fills missing values with defaults and validates them; unknown keys are stripped (validation warns). */
  readonly paramsSchema: z.ZodType<ParamsOf<F>>;
  /** Edge-param schema per multi-input port name. */
  readonly edgeParamsSchemas: Readonly<Record<string, z.ZodType<Record<string, unknown>>>>;
  /** A fresh copy of the default params. */
  defaults(): ParamsOf<F>;
}

export type AnyNodeDefinition = NodeDefinition<ParamFields>;

/** The parsed params of a definition's nodes. */
export type NodeParams<D> = D extends NodeDefinition<infer F> ? ParamsOf<F> : never;

export function objectSchemaOf<F extends ParamFields>(fields: F): z.ZodType<ParamsOf<F>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [k, f] of Object.entries(fields)) shape[k] = f.schema;
  return z.object(shape) as unknown as z.ZodType<ParamsOf<F>>;
}

/** The field defaults as a fresh object (not parsed: a required file path is '' and fails validation). */
export function defaultsOf<F extends ParamFields>(fields: F): ParamsOf<F> {
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields)) out[k] = typeof f.default === 'object' && f.default !== null ? JSON.parse(JSON.stringify(f.default)) : f.default;
  return out as ParamsOf<F>;
}

export function defineNode<F extends ParamFields>(spec: NodeSpec<F>): NodeDefinition<F> {
  const paramsSchema = objectSchemaOf(spec.params);
  const edgeParamsSchemas: Record<string, z.ZodType<Record<string, unknown>>> = {};
  for (const port of spec.inputs) {
    if (port.edgeParams) edgeParamsSchemas[port.name] = objectSchemaOf(port.edgeParams);
  }
  return {
    ...spec,
    migrations: spec.migrations ?? [],
    sink: spec.sink ?? false,
    keywords: spec.keywords ?? [],
    aliases: spec.aliases ?? [],
    references: spec.references ?? [],
    paramsSchema,
    edgeParamsSchemas,
    defaults: () => defaultsOf(spec.params),
  };
}
