/**
 * A small layered layout (Sugiyama-style) for left-to-right data flow: layers by longest path from the
 * sources, order within layers by barycenter sweeps, then columns sized by their widest node. Connected
 * components are laid out separately and stacked. Enough for graphs of tens to hundreds of nodes; no
 * dependency needed.
 */
import type { Position } from '../../../shared/graph/index.js';

export interface LayoutNode {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Current position: breaks ties so the layout keeps the user's vertical order. */
  readonly position: Position;
}

export interface LayoutEdge {
  readonly source: string;
  readonly target: string;
}

export interface LayoutOptions {
  readonly columnGap?: number;
  readonly rowGap?: number;
  readonly componentGap?: number;
  readonly sweeps?: number;
}

function components(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): LayoutNode[][] {
  const parent = new Map(nodes.map((n) => [n.id, n.id]));
  const find = (id: string): string => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r) as string;
    parent.set(id, r);
    return r;
  };
  for (const e of edges) if (parent.has(e.source) && parent.has(e.target)) parent.set(find(e.source), find(e.target));
  const groups = new Map<string, LayoutNode[]>();
  for (const n of nodes) {
    const r = find(n.id);
    const g = groups.get(r);
    if (g) g.push(n);
    else groups.set(r, [n]);
  }
  const top = (g: LayoutNode[]): number => Math.min(...g.map((n) => n.position.y));
  return [...groups.values()].sort((a, b) => top(a) - top(b));
}

/** Longest-path layering; nodes on a cycle (refused by canConnect, but files may hold one) stay in their current layer. */
function layers(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[]): Map<string, number> {
  const ids = new Set(nodes.map((n) => n.id));
  const preds = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) preds.get(e.target)?.push(e.source);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const l = Math.max(-1, ...(preds.get(id) ?? []).map(visit)) + 1;
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  for (const n of nodes) visit(n.id);
  return layer;
}

function orderLayers(columns: string[][], edges: readonly LayoutEdge[], sweeps: number): void {
  const neighbours = (dir: 'up' | 'down'): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const e of edges) {
      const [from, to] = dir === 'down' ? [e.target, e.source] : [e.source, e.target];
      const list = m.get(from);
      if (list) list.push(to);
      else m.set(from, [to]);
    }
    return m;
  };
  const preds = neighbours('down');
  const succs = neighbours('up');
  const reorder = (column: string[], ref: string[], next: Map<string, string[]>): void => {
    const pos = new Map(ref.map((id, i) => [id, i]));
    const current = new Map(column.map((id, i) => [id, i]));
    const bary = (id: string): number => {
      const ps = (next.get(id) ?? []).map((p) => pos.get(p)).filter((p): p is number => p !== undefined);
      return ps.length === 0 ? (current.get(id) as number) : ps.reduce((a, b) => a + b, 0) / ps.length;
    };
    const keys = new Map(column.map((id) => [id, bary(id)]));
    column.sort((a, b) => (keys.get(a) as number) - (keys.get(b) as number) || (current.get(a) as number) - (current.get(b) as number));
  };
  for (let s = 0; s < sweeps; s++) {
    for (let i = 1; i < columns.length; i++) reorder(columns[i] as string[], columns[i - 1] as string[], preds);
    for (let i = columns.length - 2; i >= 0; i--) reorder(columns[i] as string[], columns[i + 1] as string[], succs);
  }
}

function layoutComponent(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], o: Required<LayoutOptions>): { positions: Map<string, Position>; height: number } {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = layers(nodes, edges);
  const count = Math.max(...layer.values()) + 1;
  const columns: string[][] = Array.from({ length: count }, () => []);
  for (const n of [...nodes].sort((a, b) => a.position.y - b.position.y || a.position.x - b.position.x)) columns[layer.get(n.id) as number]?.push(n.id);
  orderLayers(columns, edges, o.sweeps);
  const heightOf = (col: string[]): number => col.reduce((h, id) => h + (byId.get(id)?.height ?? 0), 0) + Math.max(0, col.length - 1) * o.rowGap;
  const tallest = Math.max(...columns.map(heightOf));
  const positions = new Map<string, Position>();
  let x = 0;
  for (const col of columns) {
    const width = Math.max(0, ...col.map((id) => byId.get(id)?.width ?? 0));
    let y = (tallest - heightOf(col)) / 2;
    for (const id of col) {
      positions.set(id, { x, y });
      y += (byId.get(id)?.height ?? 0) + o.rowGap;
    }
    x += width + o.columnGap;
  }
  return { positions, height: tallest };
}

/** New positions for every node, anchored at the current top-left corner of the graph. */
export function autoLayout(nodes: readonly LayoutNode[], edges: readonly LayoutEdge[], options: LayoutOptions = {}): Record<string, Position> {
  if (nodes.length === 0) return {};
  const o: Required<LayoutOptions> = { columnGap: 80, rowGap: 40, componentGap: 80, sweeps: 4, ...options };
  const originX = Math.min(...nodes.map((n) => n.position.x));
  let y = Math.min(...nodes.map((n) => n.position.y));
  const out: Record<string, Position> = {};
  for (const group of components(nodes, edges)) {
    const ids = new Set(group.map((n) => n.id));
    const r = layoutComponent(group, edges.filter((e) => ids.has(e.source) && ids.has(e.target)), o);
    for (const [id, p] of r.positions) out[id] = { x: Math.round(originX + p.x), y: Math.round(y + p.y) };
    y += r.height + o.componentGap;
  }
  return out;
}
