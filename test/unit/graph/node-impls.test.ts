/** Start-up invariant: every node definition of the catalogue has a node impl, and every node impl a definition. */
import { describe, expect, it } from 'vitest';
import { CATALOGUE, NODE_REGISTRY } from '../../../shared/nodes/catalogue/index.js';
import { NODE_IMPLS, createNodeImplRegistry } from '../../../main/engine/graph/node-impls/index.js';

describe('node impls', () => {
  it('has one node impl per catalogue definition, for the same definition object', () => {
    const registry = createNodeImplRegistry();
    for (const def of CATALOGUE) {
      const k = registry.get(def.type);
      expect(k, `no kernel for ${def.type}`).toBeDefined();
      expect(k!.definition).toBe(def);
    }
    const nodeImplTypes = NODE_IMPLS.map((k) => k.definition.type);
    for (const type of nodeImplTypes) expect(NODE_REGISTRY.get(type), `kernel for unknown node type ${type}`).toBeDefined();
    expect(new Set(nodeImplTypes).size).toBe(nodeImplTypes.length);
    expect(nodeImplTypes.sort()).toEqual(CATALOGUE.map((d) => d.type).sort());
  });

  it('refuses two node impls for one type', () => {
    expect(() => createNodeImplRegistry([...NODE_IMPLS, NODE_IMPLS[0]!])).toThrow(/two kernels/);
  });
});
