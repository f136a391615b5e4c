/**
 * Node and edge params: migrate to the definition's version, then parse (defaults filled, ranges checked).
 * A param hidden by its showIf (density while the method is concat) that holds a bad value does not block a
 * run: it is replaced by its default and reported as a warning.
 */
import type { z } from 'zod';
import type { AnyNodeDefinition } from '../nodes/definition.js';
import { isParamVisible, type ParamFields } from '../nodes/params/field.js';
import { defaultsOf } from '../nodes/definition.js';

export interface ParamIssue {
  readonly param: string;
  readonly message: string;
}

export type ParamsResult =
  | { ok: true; params: Record<string, unknown>; ignored: ParamIssue[]; unknownKeys: string[] }
  | { ok: false; issues: ParamIssue[]; ignored: ParamIssue[]; unknownKeys: string[] };

export type MigrateResult = { ok: true; params: Record<string, unknown>; migratedFrom?: number } | { ok: false; code: 'node-version-newer' | 'node-migration-failed'; message: string };

export function migrateNodeParams(def: AnyNodeDefinition, typeVersion: number, params: Readonly<Record<string, unknown>>): MigrateResult {
  if (typeVersion > def.version) {
    return {
      ok: false,
      code: 'node-version-newer',
      message: `was saved by a newer LoRA Studio (node version ${typeVersion}; this one knows ${def.title} up to version ${def.version})`,
    };
  }
  let current: Record<string, unknown> = { ...params };
  for (let v = typeVersion; v < def.version; v++) {
    const m = def.migrations[v - 1];
    try {
      if (!m) throw new Error(`no migration from version ${v}`);
      current = m.migrate(current);
    } catch (e) {
      return { ok: false, code: 'node-migration-failed', message: `could not be upgraded from version ${v}: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return typeVersion < def.version ? { ok: true, params: current, migratedFrom: typeVersion } : { ok: true, params: current };
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const k of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string' && v !== '') return v.length > 40 ? `"${v.slice(0, 40)}…"` : `"${v}"`;
  return '';
}

function issueMessage(fields: ParamFields, raw: unknown, issue: z.core.$ZodIssue): ParamIssue {
  const [key, ...rest] = issue.path;
  const param = String(key ?? '');
  const label = fields[param]?.label ?? param;
  const item = rest.length > 0 && typeof rest[0] === 'number' ? `, item ${rest[0] + 1},` : '';
  const got = describeValue(valueAt(raw, issue.path));
  const alreadySaysGot = /\bgot\b/.test(issue.message);
  return { param, message: `${label}${item} ${issue.message}${got && !alreadySaysGot ? ` (got ${got})` : ''}` };
}

export function parseParams(fields: ParamFields, schema: z.ZodType, raw: Readonly<Record<string, unknown>>): ParamsResult {
  const unknownKeys = Object.keys(raw).filter((k) => !(k in fields));
  const first = schema.safeParse(raw);
  if (first.success) return { ok: true, params: first.data as Record<string, unknown>, ignored: [], unknownKeys };
  const withDefaults = { ...defaultsOf(fields), ...raw };
  const repaired: Record<string, unknown> = { ...raw };
  const ignored: ParamIssue[] = [];
  const issues: ParamIssue[] = [];
  for (const issue of first.error.issues) {
    const msg = issueMessage(fields, raw, issue);
    const field = fields[msg.param];
    if (field && !isParamVisible(field, withDefaults)) {
      repaired[msg.param] = defaultsOf({ [msg.param]: field })[msg.param];
      ignored.push({ param: msg.param, message: `${msg.message}; it is not used with these settings, so its default is used` });
    } else issues.push(msg);
  }
  if (issues.length > 0) return { ok: false, issues, ignored, unknownKeys };
  const second = schema.safeParse(repaired);
  if (second.success) return { ok: true, params: second.data as Record<string, unknown>, ignored, unknownKeys };
  return { ok: false, issues: second.error.issues.map((i) => issueMessage(fields, repaired, i)), ignored, unknownKeys };
}

export function parseNodeParams(def: AnyNodeDefinition, raw: Readonly<Record<string, unknown>>): ParamsResult {
  return parseParams(def.params, def.paramsSchema, raw);
}
