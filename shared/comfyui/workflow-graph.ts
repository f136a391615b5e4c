/**
 * Reads a ComfyUI workflow (UI format 0.4 or 1, with subgraphs; or API format) into one flat graph the
 * translation walks: nodes with their mode, the inputs that are links (by input name) and their widget
 * values. Subgraph instances are expanded (inner nodes get ids "<instance>:<inner>", as ComfyUI's API
 * export names them) and links through a subgraph's input and output nodes are followed to real nodes.
 */
import type { z } from 'zod';
import { ComfyWorkflowError } from './errors.js';
import { apiNodeSchema, uiWorkflowSchema, type UiLink, type UiNode, type UiSubgraph, type UiWorkflow } from './workflow-schema.js';

export type ComfyNodeMode = 'active' | 'muted' | 'bypassed';

export interface ComfyLink {
  readonly node: string;
  readonly slot: number;
}

export interface ComfyNode {
  readonly id: string;
  readonly type: string;
  /** The title the user gave the node (absent when it is the type's own). */
  readonly title?: string;
  readonly mode: ComfyNodeMode;
  readonly position?: { readonly x: number; readonly y: number };
  /** Inputs fed by another node's output, by input name. */
  readonly links: Readonly<Record<string, ComfyLink>>;
  /** UI format: `widgets_values` as saved (positional, or named for some custom nodes); API format: the inputs that are values, by name. */
  readonly widgets: readonly unknown[] | Readonly<Record<string, unknown>>;
}

export type ComfyWorkflowFormat = 'ui' | 'api';

export interface ComfyGraph {
  readonly format: ComfyWorkflowFormat;
  /** UI format: the file's `version` (0.4, 1); API format: null. */
  readonly version: number | null;
  readonly nodes: readonly ComfyNode[];
  readonly byId: ReadonlyMap<string, ComfyNode>;
}

const SUBGRAPH_INPUT_NODE = '-10';
const SUBGRAPH_OUTPUT_NODE = '-20';
const MAX_SUBGRAPH_DEPTH = 16;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which kind of ComfyUI file this is, or null when it is neither (a LoRA Studio graph, other JSON). */
export function detectComfyWorkflow(value: unknown): ComfyWorkflowFormat | null {
  if (!isObject(value)) return null;
  if (Array.isArray(value.nodes) && value.format === undefined) return 'ui';
  const entries = Object.values(value);
  if (entries.length > 0 && entries.every((n) => isObject(n) && typeof n.class_type === 'string')) return 'api';
  return null;
}

function modeOf(mode: number | undefined): ComfyNodeMode {
  if (mode === 2) return 'muted';
  if (mode === 4) return 'bypassed';
  return 'active';
}

function positionOf(pos: UiNode['pos']): { x: number; y: number } | undefined {
  if (pos === undefined) return undefined;
  return Array.isArray(pos) ? { x: pos[0], y: pos[1] } : { x: pos[0], y: pos[1] };
}

interface LinkRecord {
  readonly originId: string;
  readonly originSlot: number;
  readonly targetId: string;
  readonly targetSlot: number;
}

function linkRecord(l: UiLink): [string, LinkRecord] {
  if (Array.isArray(l)) return [String(l[0]), { originId: String(l[1]), originSlot: l[2], targetId: String(l[3]), targetSlot: l[4] }];
  return [String(l.id), { originId: String(l.origin_id), originSlot: l.origin_slot, targetId: String(l.target_id), targetSlot: l.target_slot }];
}

interface Scope {
  readonly prefix: string;
  readonly nodes: ReadonlyMap<string, UiNode>;
  readonly links: ReadonlyMap<string, LinkRecord>;
  /** Inside a subgraph: the scope of the instance node and the instance itself. */
  readonly parent?: { readonly scope: Scope; readonly instance: UiNode };
  readonly depth: number;
  /** Mode forced on every node of the scope (a muted or bypassed subgraph instance). */
  readonly mode?: ComfyNodeMode;
}

function scopeOf(nodes: readonly UiNode[], links: readonly (UiLink | null)[] | null | undefined, extra: Omit<Scope, 'nodes' | 'links'>): Scope {
  return { ...extra, nodes: new Map(nodes.map((n) => [String(n.id), n])), links: new Map((links ?? []).filter((l): l is UiLink => l !== null).map(linkRecord)) };
}

function readUi(wf: UiWorkflow, file: string): ComfyGraph {
  const subgraphs = new Map<string, UiSubgraph>((wf.definitions?.subgraphs ?? []).map((s) => [s.id, s]));
  const out: ComfyNode[] = [];
  const innerScopes = new Map<string, Scope>();

  const innerScope = (scope: Scope, instance: UiNode): Scope => {
    const key = `${scope.prefix}${String(instance.id)}`;
    const known = innerScopes.get(key);
    if (known) return known;
    if (scope.depth >= MAX_SUBGRAPH_DEPTH) {
      throw new ComfyWorkflowError('invalid-workflow', `"${file}": node ${key} (${instance.type}) nests subgraphs more than ${MAX_SUBGRAPH_DEPTH} deep (a subgraph that contains itself?).`, { file, node: key });
    }
    const def = subgraphs.get(instance.type);
    if (!def) throw new Error(`no subgraph ${instance.type}`);
    const instanceMode = modeOf(instance.mode);
    const s = scopeOf(def.nodes, def.links, {
      prefix: `${key}:`,
      parent: { scope, instance },
      depth: scope.depth + 1,
      ...(scope.mode !== undefined ? { mode: scope.mode } : instanceMode !== 'active' ? { mode: instanceMode } : {}),
    });
    innerScopes.set(key, s);
    return s;
  };

  /** The real node output behind a link origin: through subgraph instances (their outputs) and subgraph input nodes. */
  const resolveSource = (scope: Scope, originId: string, originSlot: number, hops = 0): ComfyLink | undefined => {
    if (hops > 64) return undefined;
    if (originId === SUBGRAPH_INPUT_NODE) {
      const parent = scope.parent;
      const linkId = parent?.instance.inputs?.[originSlot]?.link;
      if (!parent || linkId === undefined || linkId === null) return undefined;
      const link = parent.scope.links.get(String(linkId));
      return link ? resolveSource(parent.scope, link.originId, link.originSlot, hops + 1) : undefined;
    }
    const node = scope.nodes.get(originId);
    if (node && subgraphs.has(node.type)) {
      const inner = innerScope(scope, node);
      for (const l of inner.links.values()) {
        if (l.targetId === SUBGRAPH_OUTPUT_NODE && l.targetSlot === originSlot) return resolveSource(inner, l.originId, l.originSlot, hops + 1);
      }
      return undefined;
    }
    return { node: `${scope.prefix}${originId}`, slot: originSlot };
  };

  const visit = (scope: Scope): void => {
    for (const node of scope.nodes.values()) {
      if (subgraphs.has(node.type)) {
        visit(innerScope(scope, node));
        continue;
      }
      const links: Record<string, ComfyLink> = {};
      for (const input of node.inputs ?? []) {
        if (input.link === undefined || input.link === null) continue;
        const l = scope.links.get(String(input.link));
        const source = l ? resolveSource(scope, l.originId, l.originSlot) : undefined;
        if (source) links[input.name] = source;
      }
      const position = positionOf(node.pos);
      out.push({
        id: `${scope.prefix}${String(node.id)}`,
        type: node.type,
        ...(node.title !== undefined && node.title !== node.type ? { title: node.title } : {}),
        mode: scope.mode ?? modeOf(node.mode),
        ...(position && scope.depth === 0 ? { position } : {}),
        links,
        widgets: node.widgets_values ?? [],
      });
    }
  };

  visit(scopeOf(wf.nodes, wf.links, { prefix: '', depth: 0 }));
  return { format: 'ui', version: wf.version ?? null, nodes: out, byId: new Map(out.map((n) => [n.id, n])) };
}

const isLinkValue = (v: unknown): v is [string | number, number] =>
  Array.isArray(v) && v.length === 2 && (typeof v[0] === 'string' || typeof v[0] === 'number') && Number.isInteger(v[1]);

function readApi(value: Record<string, unknown>, file: string): ComfyGraph {
  const out: ComfyNode[] = [];
  for (const [id, raw] of Object.entries(value)) {
    const parsed = apiNodeSchema.safeParse(raw);
    if (!parsed.success) throw invalidNode(file, id, isObject(raw) ? raw.class_type : undefined, parsed.error);
    const links: Record<string, ComfyLink> = {};
    const widgets: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(parsed.data.inputs ?? {})) {
      if (isLinkValue(v)) links[name] = { node: String(v[0]), slot: v[1] };
      else widgets[name] = v;
    }
    const title = parsed.data._meta?.title;
    out.push({ id, type: parsed.data.class_type, ...(title !== undefined && title !== parsed.data.class_type ? { title } : {}), mode: 'active', links, widgets });
  }
  return { format: 'api', version: null, nodes: out, byId: new Map(out.map((n) => [n.id, n])) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.map(String).join('.');
  return where === '' ? issue.message : `${where}: ${issue.message}`;
}

function invalidNode(file: string, id: string, type: unknown, error: z.ZodError): ComfyWorkflowError {
  const issue = error.issues[0];
  const what = typeof type === 'string' ? ` (${type})` : '';
  return new ComfyWorkflowError('invalid-workflow', `"${file}": node ${id}${what} is malformed: ${issue ? describeIssue(issue) : 'unreadable'}.`, {
    file,
    node: id,
    hint: 'Re-export the workflow from ComfyUI (Workflow > Export, or Export (API)); a hand-edited file may have lost a field.',
  });
}

/** Parses a decoded workflow; throws ComfyWorkflowError naming the file and, where it can, the node. */
export function readComfyWorkflow(value: unknown, file: string): ComfyGraph {
  const format = detectComfyWorkflow(value);
  if (format === null || !isObject(value)) {
    throw new ComfyWorkflowError('not-a-workflow', `"${file}" is not a ComfyUI workflow: it has neither "nodes" (UI format) nor nodes with a "class_type" (API format).`, {
      file,
      hint: 'Save the workflow from ComfyUI (Workflow > Save or Export, or Export (API)) and import that file.',
    });
  }
  if (format === 'api') return readApi(value, file);
  const parsed = uiWorkflowSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path ?? [];
    if (path[0] === 'nodes' && typeof path[1] === 'number') {
      const raw = (value.nodes as unknown[])[path[1]];
      const id = isObject(raw) && (typeof raw.id === 'number' || typeof raw.id === 'string') ? String(raw.id) : `#${path[1] + 1}`;
      const sub = { ...parsed.error, issues: [{ ...issue, path: path.slice(2) }] } as z.ZodError;
      throw invalidNode(file, id, isObject(raw) ? raw.type : undefined, sub);
    }
    throw new ComfyWorkflowError('invalid-workflow', `"${file}" is not a valid ComfyUI workflow: ${issue ? describeIssue(issue) : 'unreadable'}.`, {
      file,
      hint: 'Re-export the workflow from ComfyUI (Workflow > Export).',
    });
  }
  return readUi(parsed.data, file);
}

/** Reads workflow file text; throws ComfyWorkflowError (invalid JSON names the file). */
export function parseComfyWorkflowText(text: string, file: string): ComfyGraph {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ComfyWorkflowError('invalid-json', `"${file}" is not valid JSON: ${e instanceof Error ? e.message : String(e)}`, { file, hint: 'Save the workflow again from ComfyUI.' });
  }
  return readComfyWorkflow(value, file);
}
