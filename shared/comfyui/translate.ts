/**
 * ComfyUI workflow → LoRA Studio graph. Every chain checkpoint loader → LoRA loaders (in chain order) becomes
 * Load Model → (Load LoRA + Apply LoRA)… → Save Model: strength_model → strength, strength_clip →
 * text-encoder strength (0 for LoraLoaderModelOnly). Bypassed and muted LoRA loaders pass the model through
 * (they are listed as left out). A chain that branches keeps its shared steps once and gets one Save Model
 * per end. Nothing else of the workflow is translated: the report lists it by type.
 */
import type { GraphDocument, GraphEdge, GraphNode, JsonValue } from '../graph/document.js';
import { emptyGraph } from '../graph/document.js';
import { createNode } from '../graph/factory.js';
import { IdAllocator } from '../graph/ids.js';
import { applyLora, loadLora, loadModel, saveModel } from '../nodes/catalogue/index.js';
import type { ImportedLora, ImportReport } from './import-report.js';
import { LORA_APPLIERS, LORA_STACKS, loaderFile, MODEL_LOADERS, readLoras, REROUTES, type ModelFolder } from './known-nodes.js';
import type { ComfyGraph, ComfyLink, ComfyNode } from './workflow-graph.js';

export interface ResolvedModel {
  /** The path the graph loads: absolute when found; when not, where it was looked for (or the name). */
  readonly path: string;
  readonly found: boolean;
}

export type ModelResolver = (folder: ModelFolder, name: string) => ResolvedModel;

export interface TranslateOptions {
  /** The workflow's file name: the report names it, and the graph and its outputs are named after it. */
  readonly workflow: string;
  readonly resolve: ModelResolver;
  /** Where Save Model writes: absent, a file name relative to the graph's folder. */
  readonly outputFolder?: string;
}

export interface ImportedWorkflow {
  readonly document: GraphDocument;
  readonly report: ImportReport;
}

/** Every model file the workflow's loaders name (the shell resolves them on disk before translating). */
export function modelReferences(graph: ComfyGraph): { folder: ModelFolder; name: string }[] {
  const refs: { folder: ModelFolder; name: string }[] = [];
  for (const node of graph.nodes) {
    const file = loaderFile(node);
    if (file?.name !== undefined) refs.push({ folder: file.folder, name: file.name });
    if (LORA_APPLIERS.has(node.type)) for (const e of readLoras(graph, node).entries) refs.push({ folder: 'loras', name: e.name });
  }
  return refs;
}

interface ChainEnd {
  /** The graph node whose model output carries the chain so far. */
  readonly out: string;
  readonly depth: number;
  readonly band: number;
  readonly row: number;
  readonly base: { name: string; path: string; comfyNode: string; folder: ModelFolder };
  readonly loras: readonly ImportedLora[];
  /** The active ComfyUI applier the chain ends in (none for a bare loader). */
  readonly applier?: string;
}

type Source = { readonly ok: true; readonly end: ChainEnd } | { readonly ok: false; readonly reason: string };

const COLUMN = 320;
const LORA_ROW = 200;
const BRANCH_ROW = 400;

function baseName(file: string): string {
  const last = file.replace(/\\/g, '/').split('/').pop() ?? file;
  return last.replace(/\.(safetensors|json|ckpt|pt|pth|bin|sft)$/i, '');
}

function slug(text: string): string {
  const s = text.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return s === '' ? 'model' : s;
}

const describe = (n: ComfyNode): string => `${n.title ?? n.type} (node ${n.id})`;

export function translateComfyWorkflow(graph: ComfyGraph, options: TranslateOptions): ImportedWorkflow {
  const ids = new IdAllocator();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const report: ImportReport = {
    workflow: options.workflow,
    format: graph.format,
    formatVersion: graph.version,
    outputs: [],
    skipped: [],
    unresolved: [],
    notImported: [],
    notes: [],
  };
  const bandRows: number[] = [];
  const rowsAtDepth = new Map<string, number>();
  const memo = new Map<string, Source>();
  const consumed = new Set<string>();
  const unresolvedSeen = new Set<string>();

  const skip = (n: ComfyNode, reason: string): void => {
    report.skipped.push({ comfyNode: n.id, type: n.type, ...(n.title !== undefined ? { title: n.title } : {}), reason });
  };
  const resolve = (folder: ModelFolder, name: string, comfyNode: string): string => {
    const r = options.resolve(folder, name);
    const key = `${folder}\u0000${name}\u0000${comfyNode}`;
    if (!r.found && !unresolvedSeen.has(key)) {
      unresolvedSeen.add(key);
      report.unresolved.push({ folder, name, comfyNode });
    }
    return r.path;
  };
  /** The band (one per base model) each created node belongs to; positions are shifted by it at the end. */
  const bandOf = new Map<string, number>();
  const add = (node: GraphNode, band: number): GraphNode => {
    nodes.push(node);
    bandOf.set(node.id, band);
    return node;
  };
  const connect = (source: string, target: string, targetPort: string, sourcePort = targetPort): void => {
    edges.push({ id: ids.edgeId(), source, sourcePort, target, targetPort });
  };

  const loaderSource = (node: ComfyNode): Source => {
    const known = memo.get(node.id);
    if (known) return known;
    const file = loaderFile(node);
    let result: Source;
    if (!file || file.name === undefined) result = { ok: false, reason: `${describe(node)} has no model file chosen` };
    else {
      const path = resolve(file.folder, file.name, node.id);
      const band = bandRows.length;
      bandRows.push(1);
      const params: Record<string, JsonValue> = { path };
      const created = add({ ...createNode(loadModel, ids.nodeId(loadModel.type), { x: 0, y: 0 }, params), ...(node.title !== undefined ? { title: node.title } : {}) }, band);
      result = { ok: true, end: { out: created.id, depth: 0, band, row: 0, base: { name: file.name, path, comfyNode: node.id, folder: file.folder }, loras: [] } };
    }
    memo.set(node.id, result);
    return result;
  };

  const modelSource = (link: ComfyLink | undefined, hops = 0): Source => {
    if (!link) return { ok: false, reason: 'its model input is not connected' };
    const node = graph.byId.get(link.node);
    if (!node) return { ok: false, reason: `its model comes from node ${link.node}, which is not in the workflow` };
    if (hops > 256) return { ok: false, reason: 'its model input goes round in a loop' };
    if (REROUTES.has(node.type)) return modelSource(Object.values(node.links)[0], hops + 1);
    if (LORA_APPLIERS.has(node.type)) {
      if (node.mode !== 'active') return modelSource(node.links.model, hops + 1);
      if (link.slot !== 0) return { ok: false, reason: `its model comes from output ${link.slot} of ${describe(node)}, which is not its MODEL output` };
      return applierSource(node);
    }
    if (MODEL_LOADERS[node.type] !== undefined) {
      if (node.mode !== 'active') return { ok: false, reason: `its model loader ${describe(node)} is ${node.mode}` };
      if (link.slot !== 0) return { ok: false, reason: `its model comes from output ${link.slot} of ${describe(node)}, which is not its MODEL output` };
      return loaderSource(node);
    }
    return { ok: false, reason: `its model comes from ${describe(node)}, which is neither a checkpoint loader nor a LoRA loader (only those chains are imported)` };
  };

  const applierSource = (node: ComfyNode): Source => {
    const known = memo.get(node.id);
    if (known) return known;
    memo.set(node.id, { ok: false, reason: 'its model input goes round in a loop' });
    const reading = readLoras(graph, node);
    for (const s of reading.skipped) {
      const n = graph.byId.get(s.node) ?? node;
      skip(n, s.what);
    }
    const upstream = modelSource(node.links.model);
    if (!upstream.ok) {
      const result: Source = { ok: false, reason: upstream.reason };
      memo.set(node.id, result);
      if (reading.entries.length > 0) skip(node, `not imported: ${upstream.reason}`);
      return result;
    }
    if (upstream.end.applier !== undefined) consumed.add(upstream.end.applier);
    let end: ChainEnd = { ...upstream.end, applier: node.id };
    for (const entry of reading.entries) {
      const depth = end.depth + 1;
      const rowKey = `${end.band}:${depth}`;
      const row = Math.max(end.row, rowsAtDepth.get(rowKey) ?? 0);
      rowsAtDepth.set(rowKey, row + 1);
      bandRows[end.band] = Math.max(bandRows[end.band] ?? 1, row + 1);
      const y = row * BRANCH_ROW;
      const path = resolve('loras', entry.name, entry.node);
      const entryNode = graph.byId.get(entry.node);
      const lora = add({
        ...createNode(loadLora, ids.nodeId(loadLora.type), { x: COLUMN * (depth - 1) + 20, y: y + LORA_ROW }, { path }),
        ...(entryNode?.title !== undefined && entryNode.type !== 'CR LoRA Stack' && reading.entries.length === 1 ? { title: entryNode.title } : {}),
      }, end.band);
      const unetOnly = end.base.folder === 'diffusion_models';
      const apply = add(
        createNode(applyLora, ids.nodeId(applyLora.type), { x: COLUMN * depth, y }, { strength: entry.strengthModel, teStrength: entry.strengthClip, allowUnmatched: unetOnly }),
        end.band,
      );
      connect(end.out, apply.id, 'model');
      connect(lora.id, apply.id, 'lora');
      end = { ...end, out: apply.id, depth, row, loras: [...end.loras, { name: entry.name, path, strength: entry.strengthModel, teStrength: entry.strengthClip, comfyNode: entry.node }] };
    }
    const result: Source = { ok: true, end };
    memo.set(node.id, result);
    return result;
  };

  const handled = new Set<string>();
  for (const node of graph.nodes) {
    if (REROUTES.has(node.type) || LORA_STACKS.has(node.type)) handled.add(node.id);
    else if (LORA_APPLIERS.has(node.type)) {
      handled.add(node.id);
      if (node.mode === 'active') applierSource(node);
      else {
        const names = readLoras(graph, node).entries.map((e) => e.name);
        skip(node, `${node.mode}: passes the model through${names.length > 0 ? ` (${names.join(', ')} not applied)` : ''}`);
      }
    } else if (MODEL_LOADERS[node.type] !== undefined) handled.add(node.id);
  }

  // Positions: one band per base model, stacked; inside it the chain runs left to right.
  const bandY: number[] = [];
  let y = 0;
  for (const rows of bandRows) {
    bandY.push(y);
    y += rows * BRANCH_ROW + LORA_ROW;
  }
  for (const n of nodes) {
    const band = bandOf.get(n.id);
    if (band !== undefined) n.position = { x: n.position.x, y: n.position.y + (bandY[band] ?? 0) };
  }
  const ends = new Map<string, ChainEnd>();
  for (const source of memo.values()) {
    if (!source.ok || source.end.applier === undefined || consumed.has(source.end.applier)) continue;
    if (source.end.loras.length === 0) continue;
    ends.set(source.end.out, source.end);
  }

  const workflowSlug = slug(baseName(options.workflow));
  const usedNames = new Set<string>();
  for (const end of ends.values()) {
    let name = ends.size === 1 ? `${workflowSlug}-merged` : `${workflowSlug}-${slug(baseName(end.base.name))}-merged`;
    for (let i = 2; usedNames.has(name); i++) name = `${name.replace(/-\d+$/, '')}-${i}`;
    usedNames.add(name);
    const file = `${name}.safetensors`;
    const output = options.outputFolder === undefined ? file : `${options.outputFolder.replace(/[\\/]+$/, '')}/${file}`;
    const from = nodes.find((n) => n.id === end.out);
    const save = add(createNode(saveModel, ids.nodeId(saveModel.type), { x: (from?.position.x ?? 0) + COLUMN, y: from?.position.y ?? 0 }, { path: output }), end.band);
    connect(end.out, save.id, 'model');
    report.outputs.push({ nodeId: save.id, output, base: { name: end.base.name, path: end.base.path, comfyNode: end.base.comfyNode }, loras: [...end.loras] });
    if (end.base.folder === 'diffusion_models' && end.loras.some((l) => l.teStrength !== 0)) {
      report.notes.push(`${end.base.name} is a diffusion model without text encoders (UNETLoader): the LoRAs' text-encoder parts are not baked (Allow unmatched is on, so they are listed and skipped).`);
    }
  }

  for (const node of graph.nodes) {
    if (MODEL_LOADERS[node.type] === undefined || memo.has(node.id)) continue;
    const file = loaderFile(node);
    skip(node, node.mode !== 'active' ? `${node.mode}: not imported` : `no LoRA is applied to ${file?.name ?? 'its model'}: nothing to bake`);
  }

  const groups = new Map<string, { id: string; title?: string }[]>();
  for (const node of graph.nodes) {
    if (handled.has(node.id)) continue;
    const list = groups.get(node.type) ?? [];
    list.push({ id: node.id, ...(node.title !== undefined ? { title: node.title } : {}) });
    groups.set(node.type, list);
  }
  report.notImported = [...groups].map(([type, list]) => ({ type, nodes: list }));
  if ([...groups.keys()].some((t) => t.startsWith('workflow>') || t.startsWith('workflow/'))) {
    report.notes.push('Group nodes ("workflow>…") are not expanded: LoRA loaders inside them were not read. Ungroup them, or convert them to subgraphs, and import again.');
  }
  if (report.outputs.length === 0) report.notes.push('No checkpoint loader → LoRA loader chain was found: the graph is empty.');

  const document: GraphDocument = {
    ...emptyGraph({ name: baseName(options.workflow), description: `Imported from the ComfyUI workflow ${baseName(options.workflow)}: the LoRA chains, baked into the checkpoints.` }),
    nodes,
    edges,
  };
  return { document, report };
}
