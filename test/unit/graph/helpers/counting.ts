/** The real node impls, wrapped to count how often each node runs (by node id). */
import { createNodeImplRegistry, NODE_IMPLS } from '../../../../main/engine/graph/node-impls/index.js';
import type { NodeImpl } from '../../../../main/engine/graph/node-impl.js';
import type { NodeImplRegistry } from '../../../../main/engine/graph/node-impl-registry.js';

export interface CountingNodeImpls {
  readonly registry: NodeImplRegistry;
  readonly calls: Map<string, number>;
  count(nodeId: string): number;
  reset(): void;
}

export function countingNodeImpls(extra: readonly NodeImpl[] = []): CountingNodeImpls {
  const calls = new Map<string, number>();
  const wrap = (k: NodeImpl): NodeImpl => ({
    definition: k.definition,
    run: (ctx) => {
      calls.set(ctx.node.id, (calls.get(ctx.node.id) ?? 0) + 1);
      return k.run(ctx);
    },
  });
  return {
    registry: createNodeImplRegistry([...NODE_IMPLS.filter((k) => !extra.some((e) => e.definition.type === k.definition.type)), ...extra].map(wrap)),
    calls,
    count: (id) => calls.get(id) ?? 0,
    reset: () => calls.clear(),
  };
}
