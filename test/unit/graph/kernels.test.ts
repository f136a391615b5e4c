/** Start-up invariant: every node definition of the catalogue has a kernel, and every kernel a definition. */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, NODE_REGISTRY } from '../../../shared/nodes/catalogue/index.js';
import { KERNELS, createKernelRegistry } from '../../../main/engine/graph/kernels/index.js';

describe('kernels', () => {
  it('has one kernel per catalogue definition, for the same definition object', () => {
    const registry = createKernelRegistry();
    for (const def of CATALOGUE) {
      const k = registry.get(def.type);
      expect(k, `no kernel for ${def.type}`).toBeDefined();
      expect(k!.definition).toBe(def);
    }
    const kernelTypes = KERNELS.map((k) => k.definition.type);
    for (const type of kernelTypes) expect(NODE_REGISTRY.get(type), `kernel for unknown node type ${type}`).toBeDefined();
    expect(new Set(kernelTypes).size).toBe(kernelTypes.length);
    expect(kernelTypes.sort()).toEqual(CATALOGUE.map((d) => d.type).sort());
  });

  it('refuses two kernels for one type', () => {
    expect(() => createKernelRegistry([...KERNELS, KERNELS[0]!])).toThrow(/two kernels/);
  });
});
