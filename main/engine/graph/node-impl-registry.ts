/** Node impls by node type; the executor looks each plan node's node impl up here. */
import type { NodeImpl } from './node-impl.js';

export class NodeImplRegistry {
  private readonly byType = new Map<string, NodeImpl>();

  constructor(nodeImpls: readonly NodeImpl[]) {
    for (const k of nodeImpls) {
      if (this.byType.has(k.definition.type)) throw new Error(`internal: two kernels for ${k.definition.type}`);
      this.byType.set(k.definition.type, k);
    }
  }

  get(type: string): NodeImpl | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  /** The same registry with some node impls replaced (tests count invocations this way). */
  with(overrides: readonly NodeImpl[]): NodeImplRegistry {
    const merged = new Map(this.byType);
    for (const k of overrides) merged.set(k.definition.type, k);
    return new NodeImplRegistry([...merged.values()]);
  }
}
