import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canConnect,
  createEdge,
  createNode,
  documentToPlan,
  emptyGraph,
  GraphPlanError,
  hasErrors,
  idAllocatorFor,
  parseGraph,
  serializeGraph,
  topologicalOrder,
  validateGraph,
  type GraphDocument,
  type GraphEdge,
  type GraphNode,
  type JsonValue,
} from '../../../shared/graph/index.js';
import { CATALOGUE, NODE_REGISTRY } from '../../../shared/nodes/index.js';

const normalize = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const coord = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((x) => (x === 0 ? 0 : x));
const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
// "__proto__" keys are refused by the parser (see graph-codec.test.ts), so valid documents have none.
const hasProto = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.keys(v).some((k) => k === '__proto__' || hasProto((v as Record<string, unknown>)[k]));
const json = fc
  .jsonValue({ maxDepth: 2 })
  .map((v) => normalize(v) as JsonValue)
  .filter((v) => !hasProto(v));
const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__');
const params = fc.dictionary(key, json, { maxKeys: 4 });
const nodeType = fc.oneof(fc.constantFrom(...CATALOGUE.map((d) => d.type)), fc.string({ minLength: 1, maxLength: 20 }));

const documentArb: fc.Arbitrary<GraphDocument> = fc
  .record({
    nodeIds: fc.uniqueArray(id, { maxLength: 8 }),
    edgeIds: fc.uniqueArray(id, { maxLength: 8 }),
    metadata: fc.option(fc.record({ name: fc.string(), extra: json }, { requiredKeys: [] }), { nil: undefined }),
  })
  .chain(({ nodeIds, edgeIds, metadata }) => {
    const node = (nid: string): fc.Arbitrary<GraphNode> =>
      fc
        .record(
          {
            type: nodeType,
            typeVersion: fc.integer({ min: 1, max: 5 }),
            title: fc.string({ maxLength: 10 }),
            position: fc.record({ x: coord, y: coord }),
            collapsed: fc.boolean(),
            size: fc.record({ width: fc.double({ min: 1, max: 1000, noNaN: true }), height: fc.double({ min: 1, max: 1000, noNaN: true }) }),
            params,
          },
          { requiredKeys: ['type', 'typeVersion', 'position', 'params'] },
        )
        .map((n) => ({ id: nid, ...n }));
    const anyId = nodeIds.length > 0 ? fc.constantFrom(...nodeIds) : id;
    const edge = (eid: string): fc.Arbitrary<GraphEdge> =>
      fc
        .record(
          { source: anyId, sourcePort: fc.string({ minLength: 1, maxLength: 6 }), target: anyId, targetPort: fc.string({ minLength: 1, maxLength: 6 }), params },
          { requiredKeys: ['source', 'sourcePort', 'target', 'targetPort'] },
        )
        .map((e) => ({ id: eid, ...e }));
    return fc.record({
      nodes: fc.tuple(...nodeIds.map(node)),
      edges: fc.tuple(...edgeIds.map(edge)),
    }).map(({ nodes, edges }): GraphDocument => ({ ...emptyGraph(metadata), nodes: [...nodes], edges: [...edges] }));
  });

describe('graph documents (property)', () => {
  it('parse(serialize(d)) = d for any document', () => {
    fc.assert(
      fc.property(documentArb, (doc) => {
        expect(parseGraph(serializeGraph(doc)).document).toEqual(doc);
      }),
      { numRuns: 300 },
    );
  });
});

interface Attempt {
  source: number;
  sourcePort: number;
  target: number;
  replace: boolean;
}

const attemptArb = fc.record({ source: fc.nat(), sourcePort: fc.nat(), target: fc.nat(), replace: fc.boolean() });
const withPorts = CATALOGUE.filter((d) => d.inputs.length > 0 || d.outputs.length > 0);

/** Builds a graph of random catalogue nodes by trying random connections through canConnect. */
function grow(typeIndices: number[], attempts: Attempt[], onStep?: (doc: GraphDocument, added: boolean, refusedCycle: boolean) => void): GraphDocument {
  const doc = emptyGraph();
  const ids = idAllocatorFor(doc);
  for (const [i, t] of typeIndices.entries()) {
    const def = withPorts[t % withPorts.length];
    if (!def) continue;
    // Values a user would set before running: paths, and something for Select Layers to select by.
    const filled: Record<string, JsonValue> = Object.fromEntries(
      Object.entries(def.params).filter(([, f]) => f.widget.kind === 'file').map(([k]) => [k, `f${i}.safetensors`]),
    );
    if ('patterns' in def.params) filled.patterns = ['attn'];
    doc.nodes.push(createNode(def, ids.nodeId(def.type), { x: i * 10, y: 0 }, filled));
  }
  for (const a of attempts) {
    const s = doc.nodes[a.source % doc.nodes.length];
    const sDef = s && NODE_REGISTRY.get(s.type);
    if (!s || !sDef || sDef.outputs.length === 0) continue;
    const out = sDef.outputs[a.sourcePort % sDef.outputs.length];
    if (!out) continue;
    // Aim at inputs of the output's type: mismatches are covered by the unit tests, cycles and full ports are the point here.
    const fitting = doc.nodes.flatMap((n) => (NODE_REGISTRY.get(n.type)?.inputs ?? []).filter((p) => p.type === out.type).map((p) => ({ n, p })));
    const pick = fitting[a.target % Math.max(1, fitting.length)];
    if (!pick) continue;
    const t = pick.n;
    const inp = pick.p;
    const tDef = NODE_REGISTRY.get(t.type);
    if (!tDef) continue;
    const c = { source: s.id, sourcePort: out.name, target: t.id, targetPort: inp.name };
    const r = canConnect(doc, NODE_REGISTRY, c, { replace: a.replace });
    if (r.ok) {
      if (r.replaces) doc.edges = doc.edges.filter((e) => e.id !== r.replaces);
      doc.edges.push(createEdge(tDef, c, ids));
    }
    onStep?.(doc, r.ok, !r.ok && r.code === 'cycle');
    if (!r.ok && r.code === 'cycle') {
      // The refusal was right: with the edge the graph would have a cycle.
      const withEdge = [...doc.edges, { source: c.source, target: c.target }];
      expect(topologicalOrder(doc.nodes.map((n) => n.id), withEdge)).toBeUndefined();
    }
  }
  return doc;
}

const graphArb = fc.record({ types: fc.array(fc.nat(), { minLength: 2, maxLength: 10 }), attempts: fc.array(attemptArb, { minLength: 10, maxLength: 50 }) });

describe('canConnect (property)', () => {
  it('connections it accepts never create a cycle, an overfull port or a type mismatch', () => {
    let added = 0;
    let refusedCycles = 0;
    fc.assert(
      fc.property(graphArb, ({ types, attempts }) => {
        grow(types, attempts, (doc, ok, cycle) => {
          added += ok ? 1 : 0;
          refusedCycles += cycle ? 1 : 0;
          expect(topologicalOrder(doc.nodes.map((n) => n.id), doc.edges)).toBeDefined();
          const structural = validateGraph(doc, NODE_REGISTRY).filter((p) =>
            ['cycle', 'incompatible-connection', 'too-many-inputs', 'duplicate-edge', 'unknown-port', 'dangling-edge'].includes(p.code),
          );
          expect(structural).toEqual([]);
        });
      }),
      { numRuns: 200 },
    );
    // The generator must exercise both answers.
    expect(added).toBeGreaterThan(200);
    expect(refusedCycles).toBeGreaterThan(0);
  });
});

const planned: number[] = [];

/** Deletes nodes with errors (and their edges) until none is left: what remains is a runnable graph, or nothing. */
function repair(doc: GraphDocument): GraphDocument {
  for (;;) {
    const bad = new Set(validateGraph(doc, NODE_REGISTRY).filter((p) => p.severity === 'error' && p.nodeId !== undefined).map((p) => p.nodeId));
    if (bad.size === 0) return doc;
    doc.nodes = doc.nodes.filter((n) => !bad.has(n.id));
    doc.edges = doc.edges.filter((e) => !bad.has(e.source) && !bad.has(e.target));
  }
}

describe('documentToPlan (property)', () => {
  it('plans in dependency order and covers every node exactly once, or lists the errors', () => {
    fc.assert(
      fc.property(graphArb, ({ types, attempts }) => {
        const grown = grow(types, attempts);
        if (hasErrors(validateGraph(grown, NODE_REGISTRY))) expect(() => documentToPlan(grown, NODE_REGISTRY)).toThrow(GraphPlanError);
        const doc = repair(grown);
        const errors = validateGraph(doc, NODE_REGISTRY).filter((p) => p.severity === 'error');
        if (errors.length > 0) {
          expect(() => documentToPlan(doc, NODE_REGISTRY)).toThrow(GraphPlanError);
          return;
        }
        const plan = documentToPlan(doc, NODE_REGISTRY);
        planned.push(plan.nodes.length);
        const position = new Map(plan.nodes.map((n, i) => [n.id, i]));
        for (const n of plan.nodes) {
          for (const inputs of Object.values(n.inputs)) for (const i of inputs) expect(position.get(i.node)).toBeLessThan(position.get(n.id) ?? -1);
        }
        expect([...plan.nodes.map((n) => n.id), ...plan.pruned].sort()).toEqual(doc.nodes.map((n) => n.id).sort());
        for (const t of plan.targets) expect(position.has(t)).toBe(true);
      }),
      { numRuns: 400 },
    );
    // The generator must reach the interesting case: valid graphs with several connected nodes.
    expect(planned.filter((n) => n >= 3).length).toBeGreaterThan(10);
  });
});
