/** Kernels by node type; the executor looks each plan node's kernel up here. */
import type { Kernel } from './kernel.js';

export class KernelRegistry {
  private readonly byType = new Map<string, Kernel>();

  constructor(kernels: readonly Kernel[]) {
    for (const k of kernels) {
      if (this.byType.has(k.definition.type)) throw new Error(`internal: two kernels for ${k.definition.type}`);
      this.byType.set(k.definition.type, k);
    }
  }

  get(type: string): Kernel | undefined {
    return this.byType.get(type);
  }

  types(): string[] {
    return [...this.byType.keys()];
  }

  /** The same registry with some kernels replaced (tests count invocations this way). */
  with(overrides: readonly Kernel[]): KernelRegistry {
    const merged = new Map(this.byType);
    for (const k of overrides) merged.set(k.definition.type, k);
    return new KernelRegistry([...merged.values()]);
  }
}
