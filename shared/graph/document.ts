/**
 * The graph document: what a graph file holds and what the canvas edits. Layout (positions, collapsed,
 * size) is stored; the viewport is not (it is per window, not per recipe).
 *
 * Node params are kept as the JSON the user wrote (not parsed, no defaults filled): a file stays as
 * written, and unknown node types survive a load/save round trip untouched. documentToPlan parses them.
 */
import { z } from 'zod';
import { ID_PATTERN } from './ids.js';

export const GRAPH_FORMAT = 'lora-studio-graph';
/** The graph file format version this build writes. Bump it only together with a new GRAPH_MIGRATIONS entry. */
export const GRAPH_VERSION = 1;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const idSchema = z.string({ error: 'must be an id (text)' }).regex(ID_PATTERN, { error: 'must be 1–64 letters, digits, "-" or "_"' });
const finite = z.number({ error: 'must be a number' });
const paramsSchema = z.record(z.string(), z.json());

export const positionSchema = z.strictObject({ x: finite, y: finite });

export const graphNodeSchema = z.strictObject({
  id: idSchema,
  /** Node definition id, e.g. "lora-studio/load-lora". Unknown types are kept. */
  type: z.string({ error: 'must be a node type (text)' }).min(1, { error: 'must not be empty' }),
  /** The definition version the params were written for; node migrations upgrade older ones. */
  typeVersion: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }),
  /** User-given title; the definition's title when absent. */
  title: z.string().optional(),
  position: positionSchema,
  collapsed: z.boolean().optional(),
  /**
   * bypass: the node does not run and passes, for each output, its first connected input of the same type
   * through (a bypassed Apply LoRA passes its model on). mute: the node does not run, and neither does what
   * depends only on it. Absent: the node runs. ComfyUI's node modes 4 and 2.
   */
  mode: z.enum(['bypass', 'mute']).optional(),
  /** Resizable nodes (Note) only. */
  size: z.strictObject({ width: finite.positive(), height: finite.positive() }).optional(),
  params: paramsSchema,
});

export const graphEdgeSchema = z.strictObject({
  id: idSchema,
  source: idSchema,
  sourcePort: z.string().min(1, { error: 'must not be empty' }),
  target: idSchema,
  targetPort: z.string().min(1, { error: 'must not be empty' }),
  /** Per-connection params of multi-input ports (Combine LoRAs' weight). */
  params: paramsSchema.optional(),
});

/** Free-form, kept as written; the known fields are typed. */
export const graphMetadataSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    author: z.string().optional(),
    /** "LoRA Studio 0.1.0": the app that last saved the file. */
    createdWith: z.string().optional(),
  })
  .catchall(z.json());

export const graphDocumentSchema = z
  .strictObject({
    format: z.literal(GRAPH_FORMAT),
    version: z.number().int().min(1),
    metadata: graphMetadataSchema.optional(),
    nodes: z.array(graphNodeSchema),
    edges: z.array(graphEdgeSchema),
  })
  .superRefine((doc, ctx) => {
    const seen = new Map<string, number>();
    doc.nodes.forEach((n, i) => {
      const first = seen.get(n.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `"${n.id}" is also the id of nodes[${first}]; node ids must be unique` });
      else seen.set(n.id, i);
    });
    const edges = new Map<string, number>();
    doc.edges.forEach((e, i) => {
      const first = edges.get(e.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['edges', i, 'id'], message: `"${e.id}" is also the id of edges[${first}]; edge ids must be unique` });
      else edges.set(e.id, i);
    });
  });

export const NODE_MODES = ['bypass', 'mute'] as const;
export type NodeMode = (typeof NODE_MODES)[number];
export type Position = z.infer<typeof positionSchema>;
export type GraphNode = z.infer<typeof graphNodeSchema>;
export type GraphEdge = z.infer<typeof graphEdgeSchema>;
export type GraphMetadata = z.infer<typeof graphMetadataSchema>;
export type GraphDocument = z.infer<typeof graphDocumentSchema>;

/** A connection as canConnect and the UI describe it (an edge without id and params). */
export interface Connection {
  readonly source: string;
  readonly sourcePort: string;
  readonly target: string;
  readonly targetPort: string;
}

export function emptyGraph(metadata?: GraphMetadata): GraphDocument {
  return { format: GRAPH_FORMAT, version: GRAPH_VERSION, ...(metadata ? { metadata } : {}), nodes: [], edges: [] };
}
