/**
 * Reading and writing graph files. Reading: JSON -> format check -> version check (newer files are refused
 * with a clear message) -> file migrations -> schema, with every problem located by its JSON path.
 * Writing: a stable key order and two-space indentation, so files diff well under version control.
 */
import type { z } from 'zod';
import { GRAPH_FORMAT, GRAPH_VERSION, graphDocumentSchema, type GraphDocument, type GraphEdge, type GraphNode, type JsonObject } from './document.js';
import { jsonDepth, MAX_JSON_DEPTH, tooDeepMessage } from '../json/index.js';
import { formatJsonPath, GraphFileError, type GraphFileIssue } from './errors.js';
import { GRAPH_MIGRATIONS, checkMigrationList, runGraphMigrations, type GraphMigration } from './migrations.js';

export interface ParsedGraph {
  readonly document: GraphDocument;
  /** The file's version when it was migrated on load (saving writes the current version). */
  readonly migratedFrom?: number;
  readonly appliedMigrations: readonly string[];
}

export interface GraphCodecConfig {
  readonly version: number;
  readonly migrations: readonly GraphMigration[];
}

export interface ParseOptions {
  /** File name or path, for messages. */
  readonly file?: string;
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** "Unexpected token } in JSON at position 12" -> line and column, for people who edit graphs by hand. */
function locateJsonError(text: string, message: string): string {
  const pos = /position (\d+)/.exec(message);
  if (!pos) return message;
  const offset = Number(pos[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '')} (line ${line}, column ${column})`;
}

function describeNodeContext(raw: unknown, path: readonly PropertyKey[]): string {
  if (!isObject(raw) || path.length < 2 || path[0] !== 'nodes' || typeof path[1] !== 'number') return '';
  const nodes = raw.nodes;
  const node = Array.isArray(nodes) ? nodes[path[1]] : undefined;
  return isObject(node) && typeof node.id === 'string' ? ` (node "${node.id}")` : '';
}

/**
 * JSON.parse keeps a "__proto__" key as data, but object spreads and zod's parsing treat it as the
 * prototype and drop it: refuse it rather than lose it silently (it is never a meaningful param name).
 */
function reservedKeyIssues(value: unknown, path: PropertyKey[] = []): GraphFileIssue[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => reservedKeyIssues(v, [...path, i]));
  if (typeof value !== 'object' || value === null) return [];
  return Object.keys(value).flatMap((k) => {
    const here = [...path, k];
    if (k === '__proto__') return [{ path: formatJsonPath(here), message: `${formatJsonPath(here)}: "__proto__" is not allowed as a key` }];
    return reservedKeyIssues((value as Record<string, unknown>)[k], here);
  });
}

function schemaIssues(error: z.ZodError, raw: unknown): GraphFileIssue[] {
  return error.issues.map((i) => {
    const path = formatJsonPath(i.path);
    return { path, message: `${path || 'document'}${describeNodeContext(raw, i.path)}: ${i.message}` };
  });
}

export function createGraphCodec(config: GraphCodecConfig) {
  checkMigrationList(config.migrations, config.version);

  function parseValue(value: unknown, options: ParseOptions = {}): ParsedGraph {
    const file = options.file;
    const where = file ? `"${file}"` : 'This file';
    const fileDetail = file ? { file } : {};
    // Checked first: the schema and the key checks below recurse, and would overflow the stack.
    if (jsonDepth(value) > MAX_JSON_DEPTH) {
      throw new GraphFileError('too-deep', tooDeepMessage(where), { hint: 'The file is damaged or was not written by LoRA Studio.', ...fileDetail });
    }
    if (!isObject(value) || value.format !== GRAPH_FORMAT) {
      throw new GraphFileError('not-a-graph', `${where} is not a LoRA Studio graph: it has no "format": "${GRAPH_FORMAT}".`, {
        hint: 'Open a graph saved by LoRA Studio (File > Save), or one of the examples.',
        ...fileDetail,
      });
    }
    const version = value.version;
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw new GraphFileError('invalid-version', `${where} has no valid format version (got ${JSON.stringify(version) ?? 'nothing'}).`, {
        issues: [{ path: 'version', message: 'version: must be a whole number >= 1' }],
        ...fileDetail,
      });
    }
    if (version > config.version) {
      const meta = value.metadata;
      const by = isObject(meta) && typeof meta.createdWith === 'string' ? ` by ${meta.createdWith}` : ' by a newer LoRA Studio';
      throw new GraphFileError(
        'newer-version',
        `${where} was saved${by} (graph format version ${version}); this version of LoRA Studio reads graph files up to version ${config.version}.`,
        { hint: 'Update LoRA Studio to open it.', ...fileDetail },
      );
    }
    let migrated: JsonObject = value;
    let applied: readonly string[] = [];
    if (version < config.version) {
      try {
        ({ doc: migrated, applied } = runGraphMigrations(value, version, config.migrations, config.version));
      } catch (e) {
        throw new GraphFileError('migration-failed', `${where} (graph format version ${version}) could not be upgraded: ${e instanceof Error ? e.message : String(e)}`, {
          hint: 'The file may be damaged; please report it with the file attached.',
          ...fileDetail,
        });
      }
    }
    const parsed = graphDocumentSchema.safeParse(migrated);
    const reserved = reservedKeyIssues(migrated);
    if (!parsed.success || reserved.length > 0) {
      const issues = [...reserved, ...(parsed.success ? [] : schemaIssues(parsed.error, migrated))];
      const shown = issues.slice(0, 5).map((i) => `  ${i.message}`).join('\n');
      const more = issues.length > 5 ? `\n  … and ${issues.length - 5} more` : '';
      throw new GraphFileError('invalid-graph', `${where} is not a valid graph:\n${shown}${more}`, { issues, ...fileDetail });
    }
    return {
      document: parsed.data,
      appliedMigrations: applied,
      ...(version < config.version ? { migratedFrom: version } : {}),
    };
  }

  function parse(text: string, options: ParseOptions = {}): ParsedGraph {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const where = options.file ? `"${options.file}"` : 'The graph file';
      throw new GraphFileError('invalid-json', `${where} is not valid JSON: ${locateJsonError(text, e instanceof Error ? e.message : String(e))}`, {
        hint: 'Fix the syntax error, or restore the file from the autosave.',
        ...(options.file ? { file: options.file } : {}),
      });
    }
    return parseValue(value, options);
  }

  return { version: config.version, parse, parseValue };
}

const defaultCodec = createGraphCodec({ version: GRAPH_VERSION, migrations: GRAPH_MIGRATIONS });

/** Reads graph file text; throws GraphFileError. */
export const parseGraph = defaultCodec.parse;
/** Validates an already-decoded value (an IPC payload, a pasted fragment); throws GraphFileError. */
export const parseGraphValue = defaultCodec.parseValue;

function orderedNode(n: GraphNode): JsonObject {
  return {
    id: n.id,
    type: n.type,
    typeVersion: n.typeVersion,
    ...(n.title !== undefined ? { title: n.title } : {}),
    position: { x: n.position.x, y: n.position.y },
    ...(n.collapsed !== undefined ? { collapsed: n.collapsed } : {}),
    ...(n.mode !== undefined ? { mode: n.mode } : {}),
    ...(n.size !== undefined ? { size: { width: n.size.width, height: n.size.height } } : {}),
    params: n.params,
  };
}

function orderedEdge(e: GraphEdge): JsonObject {
  return {
    id: e.id,
    source: e.source,
    sourcePort: e.sourcePort,
    target: e.target,
    targetPort: e.targetPort,
    ...(e.params !== undefined ? { params: e.params } : {}),
  };
}

/** The file text for a document: stable key order, two-space indent, final newline. */
export function serializeGraph(doc: GraphDocument): string {
  const out: JsonObject = {
    format: doc.format,
    version: doc.version,
    ...(doc.metadata !== undefined ? { metadata: doc.metadata as JsonObject } : {}),
    nodes: doc.nodes.map(orderedNode),
    edges: doc.edges.map(orderedEdge),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
