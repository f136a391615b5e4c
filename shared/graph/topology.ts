/** Graph structure: reachability, cycles and a stable topological order. Pure functions on ids. */

export interface EdgeLike {
  readonly source: string;
  readonly target: string;
}

/** Outgoing neighbours per node, over edges whose both ends are in `nodeIds`. */
export function successors(nodeIds: readonly string[], edges: readonly EdgeLike[]): Map<string, string[]> {
  const known = new Set(nodeIds);
  const out = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    if (known.has(e.source) && known.has(e.target)) out.get(e.source)?.push(e.target);
  }
  return out;
}

function predecessors(nodeIds: readonly string[], edges: readonly EdgeLike[]): Map<string, string[]> {
  return successors(nodeIds, edges.map((e) => ({ source: e.target, target: e.source })));
}

/** A path from `from` to `to` following edges (both included), or undefined. */
export function findPath(from: string, to: string, next: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i] as string;
    if (id === to) {
      const path: string[] = [];
      for (let c: string | null | undefined = id; c != null; c = parent.get(c)) path.unshift(c);
      return path;
    }
    for (const n of next.get(id) ?? []) {
      if (!parent.has(n)) {
        parent.set(n, id);
        queue.push(n);
      }
    }
  }
  return undefined;
}

/** `targets` and every node upstream of them. */
export function upstreamClosure(targets: Iterable<string>, nodeIds: readonly string[], edges: readonly EdgeLike[]): Set<string> {
  const prev = predecessors(nodeIds, edges);
  const seen = new Set<string>();
  const stack = [...targets].filter((t) => prev.has(t));
  while (stack.length > 0) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const p of prev.get(id) ?? []) if (!seen.has(p)) stack.push(p);
  }
  return seen;
}

/**
 * Strongly connected components that form cycles (size > 1, or a node with an edge to itself), each in
 * document order; Tarjan's algorithm, iterative so deep graphs cannot overflow the stack.
 */
export function findCycles(nodeIds: readonly string[], edges: readonly EdgeLike[]): string[][] {
  const next = successors(nodeIds, edges);
  const order = new Map(nodeIds.map((id, i) => [id, i]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: { id: string; i: number }[] = [{ id: root, i: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; i: number };
      const succ = next.get(frame.id) ?? [];
      if (frame.i < succ.length) {
        const w = succ[frame.i++] as string;
        if (!index.has(w)) {
          index.set(w, counter);
          low.set(w, counter++);
          stack.push(w);
          onStack.add(w);
          work.push({ id: w, i: 0 });
        } else if (onStack.has(w)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(w) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) === index.get(frame.id)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          scc.push(w);
        } while (w !== frame.id);
        const selfLoop = scc.length === 1 && (next.get(frame.id) ?? []).includes(frame.id);
        if (scc.length > 1 || selfLoop) cycles.push(scc.sort((a, b) => (order.get(a) as number) - (order.get(b) as number)));
      }
    }
  }
  return cycles.sort((a, b) => (order.get(a[0] as string) as number) - (order.get(b[0] as string) as number));
}

/**
 * Kahn's algorithm; among the nodes ready at each step the earliest in `nodeIds` goes first, so the order
 * is deterministic and follows the document where the graph leaves a choice. Undefined when there is a cycle.
 */
export function topologicalOrder(nodeIds: readonly string[], edges: readonly EdgeLike[]): string[] | undefined {
  const next = successors(nodeIds, edges);
  const indegree = new Map<string, number>(nodeIds.map((id) => [id, 0]));
  for (const targets of next.values()) for (const t of targets) indegree.set(t, (indegree.get(t) ?? 0) + 1);
  // The ready nodes by document position, in a binary min-heap: a fan-out of ten thousand stays n log n.
  const ready: number[] = [];
  const push = (p: number): void => {
    let i = ready.push(p) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (ready[parent]! <= p) break;
      ready[i] = ready[parent]!;
      i = parent;
    }
    ready[i] = p;
  };
  const pop = (): number => {
    const top = ready[0]!;
    const last = ready.pop()!;
    if (ready.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= ready.length) break;
        const c = l + 1 < ready.length && ready[l + 1]! < ready[l]! ? l + 1 : l;
        if (ready[c]! >= last) break;
        ready[i] = ready[c]!;
        i = c;
      }
      ready[i] = last;
    }
    return top;
  };
  const position = new Map(nodeIds.map((id, i) => [id, i]));
  nodeIds.forEach((id, i) => {
    if (indegree.get(id) === 0) push(i);
  });
  const out: string[] = [];
  while (ready.length > 0) {
    const id = nodeIds[pop()]!;
    out.push(id);
    for (const t of next.get(id) ?? []) {
      const d = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, d);
      if (d === 0) push(position.get(t) as number);
    }
  }
  return out.length === nodeIds.length ? out : undefined;
}

/** Edges grouped by the input they go into (`portKey(target, port)`), each list in document order. */
export function edgesByInput<E extends EdgeLike & { readonly targetPort: string }>(edges: readonly E[]): Map<string, E[]> {
  const out = new Map<string, E[]>();
  for (const e of edges) {
    const key = portKey(e.target, e.targetPort);
    const list = out.get(key);
    if (list) list.push(e);
    else out.set(key, [e]);
  }
  return out;
}

export const portKey = (node: string, port: string): string => `${node}\u0000${port}`;
