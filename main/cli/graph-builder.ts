/**
 * Builds the graph document a command's flags describe, remembering which flag made each node and set each
 * param, so that problems found in the graph are reported in the command's words (the flag, not a node id).
 */
import { createNode } from '../../shared/graph/factory.js';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDocument, type GraphEdge, type GraphNode, type JsonValue } from '../../shared/graph/document.js';
import type { Problem } from '../../shared/graph/problems.js';
import type { AnyNodeDefinition } from '../../shared/nodes/definition.js';
import { isParamVisible, type ParamField } from '../../shared/nodes/params/field.js';
import { paramValueFromText } from '../../shared/nodes/params/from-text.js';
import { APP_VERSION } from '../../shared/app-info.js';
import { UsageError } from './errors.js';

/** Layout columns, left to right, so the app shows the graph readably. */
export type Column = 0 | 1 | 2 | 3 | 4;

interface Binding {
  readonly flag: string;
  readonly text: string;
}

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: GraphEdge[] = [];
  private readonly rows = new Map<Column, number>();
  private readonly defs = new Map<string, AnyNodeDefinition>();
  /** node id → the flag (and value) that made it. */
  private readonly origins = new Map<string, string>();
  /** "nodeId.param" → the flag that set it. */
  private readonly bindings = new Map<string, Binding>();
  private readonly counts = new Map<string, number>();

  add(def: AnyNodeDefinition, column: Column, origin: string, title?: string): string {
    const short = def.type.split('/').pop()!;
    const n = (this.counts.get(short) ?? 0) + 1;
    this.counts.set(short, n);
    const id = `${short}-${n}`;
    const row = this.rows.get(column) ?? 0;
    this.rows.set(column, row + 1);
    const node = createNode(def, id, { x: column * 320, y: row * 200 });
    this.nodes.push(title === undefined ? node : { ...node, title });
    this.defs.set(id, def);
    this.origins.set(id, origin);
    return id;
  }

  /** Sets a param from a flag's text, read as the param's widget reads typed text; bad text is a usage error. */
  setFromFlag(nodeId: string, param: string, flag: string, text: string | undefined): void {
    if (text === undefined) return;
    const field = this.field(nodeId, param);
    const v = paramValueFromText(field, text);
    if (!v.ok) throw new UsageError(`${flag} ${text}: ${v.message}.`);
    this.set(nodeId, param, v.value as JsonValue, flag, text);
  }

  set(nodeId: string, param: string, value: JsonValue, flag: string, text = String(value)): void {
    this.field(nodeId, param);
    const node = this.nodes.find((n) => n.id === nodeId)!;
    node.params[param] = value;
    this.bindings.set(`${nodeId}.${param}`, { flag, text });
  }

  connect(source: string, target: string, targetPort: string, params?: Record<string, JsonValue>): void {
    const sourcePort = this.defs.get(source)!.outputs[0]!.name;
    this.edges.push({ id: `e${this.edges.length + 1}`, source, sourcePort, target, targetPort, ...(params ? { params } : {}) });
  }

  document(name: string, description: string): GraphDocument {
    this.checkFlagsApply();
    return { format: GRAPH_FORMAT, version: GRAPH_VERSION, metadata: { name, description, createdWith: `LoRA Studio ${APP_VERSION} (lora-studio CLI)` }, nodes: this.nodes, edges: this.edges };
  }

  /** A flag that sets a param its node hides for the other params' values (density with --method concat) is a usage error. */
  private checkFlagsApply(): void {
    for (const [key, b] of this.bindings) {
      const [nodeId, param] = key.split('.') as [string, string];
      const field = this.field(nodeId, param);
      const node = this.nodes.find((n) => n.id === nodeId)!;
      if (!field.showIf || isParamVisible(field, node.params)) continue;
      const on = this.bindings.get(`${nodeId}.${field.showIf.param}`)?.flag ?? `--${field.showIf.param}`;
      throw new UsageError(`${b.flag} only applies to ${on} ${field.showIf.oneOf.join('|')}.`);
    }
  }

  private field(nodeId: string, param: string): ParamField {
    const field = this.defs.get(nodeId)?.params[param];
    if (!field) throw new Error(`${nodeId} has no param ${param}`);
    return field;
  }

  /** The problem in the command's words: the flag that set the param, or the flag that made the node. */
  describe(p: Problem): string {
    const binding = p.nodeId && p.param ? this.bindings.get(`${p.nodeId}.${p.param}`) : undefined;
    const where = binding ? `${binding.flag} ${binding.text}` : p.nodeId ? this.origins.get(p.nodeId) : undefined;
    let hint = p.hint ?? '';
    // Hints name the app's controls (“Allow unmatched”); the CLI's user knows them as flags.
    for (const [key, b] of this.bindings) {
      const [nodeId, param] = key.split('.') as [string, string];
      const label = this.defs.get(nodeId)?.params[param]?.label;
      if (label) hint = hint.split(`“${label}”`).join(b.flag);
    }
    for (const [label, flag] of this.flagsByLabel) hint = hint.split(`“${label}”`).join(flag);
    // The app folds a problem's details (the unmatched modules) away; a terminal cannot unfold, so they follow.
    const details = p.details ? `\n${p.details.replace(/^/gm, '  ')}` : '';
    return `${where ? `${where}: ` : ''}${p.message}${hint ? ` (${hint})` : ''}${details}`;
  }

  /** Flags that a command offers but that were not given: hints still name them. */
  private readonly flagsByLabel = new Map<string, string>();
  offer(def: AnyNodeDefinition, param: string, flag: string): void {
    const label = def.params[param]?.label;
    if (label) this.flagsByLabel.set(label, flag);
  }
}
