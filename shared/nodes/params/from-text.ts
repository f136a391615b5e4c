/**
 * Param values from text, as the CLI's `--set node.param=value` and query strings give them. The result
 * still goes through the param's schema; this only turns text into the JSON shape the widget implies.
 */
import type { ParamField } from './field.js';

export type FromTextResult = { ok: true; value: unknown } | { ok: false; message: string };

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);

function toNumber(s: string): number | undefined {
  const t = s.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

function jsonArray(text: string): unknown[] | undefined {
  if (!text.trim().startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Lists are comma-separated, or a JSON array when an item itself contains a comma (`["re:a{1,2}"]`). */
export function paramValueFromText(field: ParamField, text: string): FromTextResult {
  const w = field.widget;
  const asJson = jsonArray(text);
  switch (w.kind) {
    case 'slider':
    case 'number':
    case 'seed': {
      const n = toNumber(text);
      return n === undefined ? { ok: false, message: `"${text}" is not a number` } : { ok: true, value: n };
    }
    case 'checkbox': {
      const t = text.trim().toLowerCase();
      if (TRUE.has(t)) return { ok: true, value: true };
      if (FALSE.has(t)) return { ok: true, value: false };
      return { ok: false, message: `"${text}" is not true or false` };
    }
    case 'vector': {
      if (asJson) return { ok: true, value: asJson };
      const items = splitList(text);
      const values = items.map(toNumber);
      const bad = items.find((_, i) => values[i] === undefined);
      return bad === undefined ? { ok: true, value: values } : { ok: false, message: `"${bad}" is not a number` };
    }
    case 'string-list':
      return { ok: true, value: asJson ?? splitList(text) };
    case 'enum':
    case 'text':
    case 'file':
      return { ok: true, value: text };
  }
}
