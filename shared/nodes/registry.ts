/**
 * The one registry of node definitions, shared by the UI (library, forms, canConnect) and the engine
 * (validation, plan, kernels). Construction checks the definitions, so a malformed one fails at start-up
 * and in the tests, not in front of a user.
 */
import { NODE_CATEGORIES, type NodeCategory } from './categories.js';
import type { AnyNodeDefinition, InputPortDef, OutputPortDef } from './definition.js';
import type { PortType } from './ports.js';

const TYPE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;
const IDENT = /^[a-z][A-Za-z0-9]*$/;

export interface PortMatch {
  readonly definition: AnyNodeDefinition;
  readonly port: string;
}

export class NodeRegistry {
  readonly #byType = new Map<string, AnyNodeDefinition>();

  constructor(definitions: readonly AnyNodeDefinition[]) {
    for (const d of definitions) {
      checkDefinition(d);
      if (this.#byType.has(d.type)) throw new Error(`node type ${d.type} is defined twice`);
      this.#byType.set(d.type, d);
    }
  }

  get(type: string): AnyNodeDefinition | undefined {
    return this.#byType.get(type);
  }

  has(type: string): boolean {
    return this.#byType.has(type);
  }

  /** Every definition, in catalogue order. */
  list(): readonly AnyNodeDefinition[] {
    return [...this.#byType.values()];
  }

  types(): readonly string[] {
    return [...this.#byType.keys()];
  }

  /** For the node library: categories in their fixed order, empty ones left out. */
  byCategory(): { category: NodeCategory; nodes: AnyNodeDefinition[] }[] {
    return NODE_CATEGORIES.map((category) => ({ category, nodes: this.list().filter((d) => d.category === category) })).filter(
      (g) => g.nodes.length > 0,
    );
  }

  /** Nodes with an input that accepts `type` (dragging from an output to empty canvas offers these). */
  accepting(type: PortType): PortMatch[] {
    return this.list().flatMap((definition) => definition.inputs.filter((p) => p.type === type).map((p) => ({ definition, port: p.name })));
  }

  /** Nodes with an output of `type` (dragging from an input to empty canvas offers these). */
  producing(type: PortType): PortMatch[] {
    return this.list().flatMap((definition) => definition.outputs.filter((p) => p.type === type).map((p) => ({ definition, port: p.name })));
  }

  /**
   * Quick search: every word must occur in the title, type, category, keywords or description.
   * Title matches rank first, then keyword matches, then the rest; catalogue order breaks ties.
   */
  search(query: string): AnyNodeDefinition[] {
    const words = query.toLowerCase().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return [...this.list()];
    const scored: { d: AnyNodeDefinition; score: number; i: number }[] = [];
    this.list().forEach((d, i) => {
      const title = d.title.toLowerCase();
      const keywords = d.keywords.join(' ').toLowerCase();
      const all = `${title} ${d.type} ${d.category.toLowerCase()} ${keywords} ${d.description.toLowerCase()}`;
      const alias = matchedAlias(d, query);
      if (!alias && !words.every((w) => all.includes(w))) return;
      const byWords = words.reduce((s, w) => s + (title.startsWith(w) ? 4 : title.includes(w) ? 3 : keywords.includes(w) ? 2 : all.includes(w) ? 1 : 0), 0);
      // Another tool's exact node name outranks word matches ("LoraLoader" is Load LoRA before Apply LoRA).
      const score = alias ? Math.max(byWords, 4 * words.length) + (normalName(alias) === normalName(query) ? 2 : 1) - d.aliases.indexOf(alias) * 0.01 : byWords;
      scored.push({ d, score, i });
    });
    return scored.sort((a, b) => b.score - a.score || a.i - b.i).map((x) => x.d);
  }
}

const normalName = (s: string): string => s.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * The alias of `d` that `query` names or begins ("loraloader", "Lora Loader", "CheckpointLoad" for
 * "CheckpointLoaderSimple"), for quick-add's "LoraLoader → Load LoRA"; undefined when none does.
 * Queries shorter than 4 letters match no alias (they would match half the catalogue).
 */
export function matchedAlias(d: AnyNodeDefinition, query: string): string | undefined {
  const q = normalName(query);
  if (q.length < 4) return undefined;
  return d.aliases.find((a) => normalName(a) === q) ?? d.aliases.find((a) => normalName(a).startsWith(q));
}

export function findInput(d: AnyNodeDefinition, name: string): InputPortDef | undefined {
  return d.inputs.find((p) => p.name === name);
}

export function findOutput(d: AnyNodeDefinition, name: string): OutputPortDef | undefined {
  return d.outputs.find((p) => p.name === name);
}

function checkDefinition(d: AnyNodeDefinition): void {
  const where = `node type ${d.type}`;
  if (!TYPE_ID.test(d.type)) throw new Error(`${where}: the id must look like "lora-studio/kebab-name"`);
  if (!Number.isInteger(d.version) || d.version < 1) throw new Error(`${where}: version must be an integer >= 1`);
  d.migrations.forEach((m, i) => {
    if (m.from !== i + 1) throw new Error(`${where}: migration ${i} must go from version ${i + 1}, not ${m.from}`);
  });
  if (d.migrations.length !== d.version - 1) {
    throw new Error(`${where}: version ${d.version} needs ${d.version - 1} migrations, has ${d.migrations.length}`);
  }
  const names = (ports: readonly { name: string }[], kind: string): void => {
    const seen = new Set<string>();
    for (const p of ports) {
      if (!IDENT.test(p.name)) throw new Error(`${where}: ${kind} port "${p.name}" must be camelCase`);
      if (seen.has(p.name)) throw new Error(`${where}: ${kind} port "${p.name}" is defined twice`);
      seen.add(p.name);
    }
  };
  names(d.inputs, 'input');
  names(d.outputs, 'output');
  for (const p of d.inputs) {
    if (p.edgeParams && !p.multiple) throw new Error(`${where}: input ${p.name} has edge params but accepts one connection; use node params`);
  }
  for (const key of Object.keys(d.params)) {
    if (!IDENT.test(key)) throw new Error(`${where}: param "${key}" must be camelCase`);
  }
  for (const [key, f] of Object.entries(d.params)) {
    if (f.showIf && !(f.showIf.param in d.params)) throw new Error(`${where}: param ${key} depends on unknown param ${f.showIf.param}`);
  }
}
