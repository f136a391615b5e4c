/**
 * The shapes of ComfyUI workflow files, as ComfyUI documents them (docs.comfy.org/specs/workflow_json and
 * workflow_json_0.4), reduced to what the import reads. Everything else a workflow carries (groups, config,
 * extra, colours, sizes) is allowed and ignored: objects are loose.
 *
 * - UI format ("Save" in the ComfyUI frontend): `nodes[]` with `type`, `mode`, `inputs[].link`,
 *   `widgets_values`; `links` as tuples `[id, origin_id, origin_slot, target_id, target_slot, type]`
 *   (version 0.4) or objects `{ id, origin_id, origin_slot, target_id, target_slot, type }` (version 1);
 *   `definitions.subgraphs[]` hold subgraphs (their links are objects; the subgraph's input node is id -10,
 *   its output node -20).
 * - API format ("Export (API)"): `{ "<id>": { class_type, inputs: { name: value | [sourceId, slot] }, _meta } }`.
 */
import { z } from 'zod';

const nodeId = z.union([z.number(), z.string()]);
const xy = z.union([z.tuple([z.number(), z.number()]), z.looseObject({ 0: z.number(), 1: z.number() })]);

export const uiLinkSchema = z.union([
  z.tuple([nodeId, nodeId, z.number(), nodeId, z.number()]).rest(z.unknown()),
  z.looseObject({ id: nodeId, origin_id: nodeId, origin_slot: z.number(), target_id: nodeId, target_slot: z.number() }),
]);

export const uiNodeSchema = z.looseObject({
  id: nodeId,
  type: z.string({ error: 'must be the node type (text)' }),
  title: z.string().optional(),
  pos: xy.optional(),
  /** 0 always, 1 on event, 2 never (muted), 3 on trigger, 4 bypass. */
  mode: z.number().optional(),
  inputs: z
    .array(
      z.looseObject({
        name: z.string(),
        link: z.number().nullable().optional(),
        widget: z.looseObject({ name: z.string() }).optional(),
      }),
    )
    .nullable()
    .optional(),
  outputs: z.array(z.looseObject({ name: z.string().optional(), links: z.array(z.number()).nullable().optional() })).nullable().optional(),
  widgets_values: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).nullable().optional(),
});

export const uiSubgraphSchema = z.looseObject({
  id: z.string(),
  name: z.string().optional(),
  nodes: z.array(uiNodeSchema),
  links: z.array(uiLinkSchema.nullable()).optional(),
  inputs: z.array(z.looseObject({ name: z.string() })).optional(),
  outputs: z.array(z.looseObject({ name: z.string() })).optional(),
});

export const uiWorkflowSchema = z.looseObject({
  version: z.number().optional(),
  nodes: z.array(uiNodeSchema),
  /** Some saved workflows hold null where a link was deleted. */
  links: z.array(uiLinkSchema.nullable()).nullable().optional(),
  definitions: z.looseObject({ subgraphs: z.array(uiSubgraphSchema).optional() }).nullable().optional(),
});

export const apiNodeSchema = z.looseObject({
  class_type: z.string({ error: 'must have a "class_type" (text)' }),
  inputs: z.record(z.string(), z.unknown()).optional(),
  _meta: z.looseObject({ title: z.string().optional() }).optional(),
});

export type UiLink = z.infer<typeof uiLinkSchema>;
export type UiNode = z.infer<typeof uiNodeSchema>;
export type UiSubgraph = z.infer<typeof uiSubgraphSchema>;
export type UiWorkflow = z.infer<typeof uiWorkflowSchema>;
export type ApiNode = z.infer<typeof apiNodeSchema>;
