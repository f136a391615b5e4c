import { describe, expect, it } from 'vitest';
import {
  GRAPH_MIGRATIONS,
  GRAPH_VERSION,
  GraphFileError,
  checkMigrationList,
  createGraphCodec,
  emptyGraph,
  formatJsonPath,
  parseGraph,
  parseGraphValue,
  serializeGraph,
  type JsonObject,
} from '../../../shared/graph/index.js';
import { combineGraph, T } from './builder.js';

const fail = (fn: () => unknown): GraphFileError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof GraphFileError) return e;
    throw e;
  }
  throw new Error('expected a GraphFileError');
};

describe('graph files', () => {
  it('round-trip a document exactly, with a stable key order', () => {
    const { b } = combineGraph();
    b.doc.metadata = { name: 'Two LoRAs', createdWith: 'LoRA Studio 0.1.0', custom: { tags: ['a'] } };
    b.doc.nodes[0] = { ...(b.doc.nodes[0] as (typeof b.doc.nodes)[0]), title: 'Style', collapsed: true };
    const text = serializeGraph(b.doc);
    expect(parseGraph(text).document).toEqual(b.doc);
    expect(serializeGraph(parseGraph(text).document)).toBe(text);
    expect(text.endsWith('\n')).toBe(true);
    const first = JSON.parse(text) as { nodes: Record<string, unknown>[] };
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['format', 'version', 'metadata', 'nodes', 'edges']);
    expect(Object.keys(first.nodes[0] ?? {})).toEqual(['id', 'type', 'typeVersion', 'title', 'position', 'collapsed', 'params']);
  });

  it('keeps nodes of unknown types untouched', () => {
    const { b } = combineGraph();
    b.node('someone/else', { magic: [1, { deep: true }] }, { id: 'alien' });
    const back = parseGraph(serializeGraph(b.doc)).document;
    expect(back.nodes.find((n) => n.id === 'alien')).toEqual({ id: 'alien', type: 'someone/else', typeVersion: 1, position: { x: 0, y: 0 }, params: { magic: [1, { deep: true }] } });
  });

  it('refuses a file from a newer version, saying so', () => {
    const text = JSON.stringify({ ...emptyGraph(), version: GRAPH_VERSION + 1, metadata: { createdWith: 'LoRA Studio 9.0.0' } });
    const e = fail(() => parseGraph(text, { file: 'future.json' }));
    expect(e.code).toBe('newer-version');
    expect(e.message).toContain('"future.json" was saved by LoRA Studio 9.0.0');
    expect(e.message).toContain(`up to version ${GRAPH_VERSION}`);
    expect(e.hint).toMatch(/Update LoRA Studio/);
    expect(e.file).toBe('future.json');
  });

  it('reports invalid JSON with line and column', () => {
    const e = fail(() => parseGraph('{\n  "format": "lora-studio-graph",\n  "version": 1,,\n}'));
    expect(e.code).toBe('invalid-json');
    expect(e.message).toMatch(/line 3, column \d+/);
  });

  it('refuses other JSON and bad versions', () => {
    expect(fail(() => parseGraph('[1,2]')).code).toBe('not-a-graph');
    expect(fail(() => parseGraph('{"format":"comfyui"}')).code).toBe('not-a-graph');
    expect(fail(() => parseGraphValue({ format: 'lora-studio-graph', version: '1' })).code).toBe('invalid-version');
    expect(fail(() => parseGraphValue({ format: 'lora-studio-graph', version: 0 })).code).toBe('invalid-version');
  });

  it('locates schema errors by JSON path and names the node', () => {
    const { b } = combineGraph();
    const raw = JSON.parse(serializeGraph(b.doc)) as { nodes: JsonObject[]; edges: JsonObject[] };
    (raw.nodes[1] as JsonObject).position = { x: 'left', y: 0 };
    (raw.edges[0] as JsonObject).id = 'has space';
    (raw.nodes[2] as JsonObject).extra = 1;
    const e = fail(() => parseGraphValue(raw));
    expect(e.code).toBe('invalid-graph');
    const paths = e.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['nodes[1].position.x', 'edges[0].id', 'nodes[2]']));
    expect(e.message).toContain('nodes[1].position.x (node "load-lora-2"): must be a number');
    expect(e.issues.find((i) => i.path === 'nodes[2]')?.message).toMatch(/extra/);
  });

  it('refuses duplicate ids', () => {
    const { b } = combineGraph();
    b.doc.nodes.push({ ...(b.doc.nodes[0] as (typeof b.doc.nodes)[0]) });
    const e = fail(() => parseGraphValue(JSON.parse(serializeGraph(b.doc))));
    expect(e.issues).toEqual([expect.objectContaining({ path: 'nodes[4].id', message: expect.stringContaining('also the id of nodes[0]') })]);
  });

  it('refuses "__proto__" keys instead of dropping them', () => {
    const text = `{"format":"lora-studio-graph","version":1,"nodes":[{"id":"a","type":"t","typeVersion":1,"position":{"x":0,"y":0},"params":{"w":{"__proto__":{"x":1}}}}],"edges":[]}`;
    const e = fail(() => parseGraph(text));
    expect(e.code).toBe('invalid-graph');
    expect(e.issues).toEqual([{ path: 'nodes[0].params.w.__proto__', message: 'nodes[0].params.w.__proto__: "__proto__" is not allowed as a key' }]);
  });

  it('formats JSON paths', () => {
    expect(formatJsonPath(['nodes', 2, 'position', 'x'])).toBe('nodes[2].position.x');
    expect(formatJsonPath(['metadata', 'a b'])).toBe('metadata["a b"]');
    expect(formatJsonPath([])).toBe('');
  });
});

describe('graph file migrations', () => {
  it('the shipped list is append-only and contiguous', () => {
    expect(() => checkMigrationList(GRAPH_MIGRATIONS, GRAPH_VERSION)).not.toThrow();
    expect(() => checkMigrationList([{ from: 2, description: '', migrate: (d) => d }], 2)).toThrow(/from version 1/);
    expect(() => checkMigrationList([], 2)).toThrow(/needs 1 migrations/);
  });

  // A fixture "version 0 → 1" world, shifted up: version 1 files stored positions as [x, y] and called
  // edges "links"; version 2 (the current format in this codec) is today's shape.
  const codec = createGraphCodec({
    version: 2,
    migrations: [
      {
        from: 1,
        description: 'positions as {x, y}; "links" renamed to "edges"',
        migrate: (doc) => {
          const nodes = (doc.nodes as JsonObject[]).map((n) => {
            const [x, y] = n.pos as number[];
            const { pos: _pos, ...rest } = n;
            return { ...rest, position: { x: x as number, y: y as number } };
          });
          const { links, ...rest } = doc;
          return { ...rest, nodes, edges: links ?? [] };
        },
      },
    ],
  });

  const v1 = {
    format: 'lora-studio-graph',
    version: 1,
    nodes: [{ id: 'a', type: T.loadLora, typeVersion: 1, pos: [10, 20], params: { path: 'x.safetensors' } }],
    links: [],
  };

  it('upgrades an old file step by step and says so', () => {
    const r = codec.parse(JSON.stringify(v1));
    expect(r.migratedFrom).toBe(1);
    expect(r.appliedMigrations).toEqual(['positions as {x, y}; "links" renamed to "edges"']);
    expect(r.document).toEqual({
      format: 'lora-studio-graph',
      version: 2,
      nodes: [{ id: 'a', type: T.loadLora, typeVersion: 1, position: { x: 10, y: 20 }, params: { path: 'x.safetensors' } }],
      edges: [],
    });
  });

  it('leaves current files alone and refuses newer ones', () => {
    const current = codec.parse(JSON.stringify({ ...emptyGraph(), version: 2 }));
    expect(current.migratedFrom).toBeUndefined();
    expect(current.appliedMigrations).toEqual([]);
    expect(fail(() => codec.parse(JSON.stringify({ ...emptyGraph(), version: 3 }))).code).toBe('newer-version');
  });

  it('a migration that throws gives a clear error', () => {
    const e = fail(() => codec.parse(JSON.stringify({ ...v1, nodes: [{ id: 'a' }] })));
    expect(e.code).toBe('migration-failed');
    expect(e.message).toContain('graph format version 1');
  });
});
