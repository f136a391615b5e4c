/** The real kernels, wrapped to count how often each node runs (by node id). */
import { createKernelRegistry, KERNELS } from '../../../../main/engine/graph/kernels/index.js';
import type { Kernel } from '../../../../main/engine/graph/kernel.js';
import type { KernelRegistry } from '../../../../main/engine/graph/kernel-registry.js';

export interface CountingKernels {
  readonly registry: KernelRegistry;
  readonly calls: Map<string, number>;
  count(nodeId: string): number;
  reset(): void;
}

export function countingKernels(extra: readonly Kernel[] = []): CountingKernels {
  const calls = new Map<string, number>();
  const wrap = (k: Kernel): Kernel => ({
    definition: k.definition,
    run: (ctx) => {
      calls.set(ctx.node.id, (calls.get(ctx.node.id) ?? 0) + 1);
      return k.run(ctx);
    },
  });
  return {
    registry: createKernelRegistry([...KERNELS.filter((k) => !extra.some((e) => e.definition.type === k.definition.type)), ...extra].map(wrap)),
    calls,
    count: (id) => calls.get(id) ?? 0,
    reset: () => calls.clear(),
  };
}
