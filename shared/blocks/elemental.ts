/**
 * LoRA Block Weight's "elemental" rules, one per line: `BLOCKS:ELEMENTS:VALUE`.
 *   BLOCKS    comma-separated block selectors (labels.ts: "IN04", "MID", "IN05-OUT05", "BASE"); empty = every block
 *   ELEMENTS  comma-separated substrings of the module name ("attn1", "ff", "proj"); empty = every module
 *   VALUE     the weight those modules get; it replaces the block vector's value
 * Later lines win over earlier ones. Blank lines and lines starting with '#' are ignored.
 * Example: `IN05-OUT05:attn:0` switches attention off in the deep blocks and leaves the rest as the vector says.
 */
import { parseBlockSelector } from './labels.js';

export interface ElementalRule {
  readonly line: number;
  readonly source: string;
  /** Empty: every block. */
  readonly blocks: readonly string[];
  /** Empty: every module. */
  readonly elements: readonly string[];
  readonly value: number;
  matches(blockLabel: string, moduleName: string): boolean;
}

export type ElementalParseResult = { ok: true; rules: ElementalRule[] } | { ok: false; line: number; message: string };

const splitList = (s: string): string[] => s.split(',').map((x) => x.trim()).filter((x) => x !== '');

export function parseElementalRules(text: string): ElementalParseResult {
  const rules: ElementalRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const source = (lines[i] ?? '').trim();
    const line = i + 1;
    if (source === '' || source.startsWith('#')) continue;
    const fields = source.split(':');
    if (fields.length !== 3) return { ok: false, line, message: `line ${line}: "${source}" must have the form BLOCKS:ELEMENTS:VALUE` };
    const [blockField = '', elementField = '', valueField = ''] = fields;
    const value = Number(valueField.trim());
    if (valueField.trim() === '' || !Number.isFinite(value)) return { ok: false, line, message: `line ${line}: "${valueField.trim()}" is not a number` };
    const blocks = splitList(blockField);
    const selectors: ((label: string) => boolean)[] = [];
    for (const b of blocks) {
      const sel = parseBlockSelector(b);
      if (!sel.ok) return { ok: false, line, message: `line ${line}: ${sel.message}` };
      selectors.push(sel.matches);
    }
    const elements = splitList(elementField);
    rules.push({
      line,
      source,
      blocks,
      elements,
      value,
      matches: (blockLabel, moduleName) =>
        (selectors.length === 0 || selectors.some((m) => m(blockLabel))) &&
        (elements.length === 0 || elements.some((e) => moduleName.includes(e))),
    });
  }
  return { ok: true, rules };
}

/** The weight the last matching rule gives, or undefined when no rule matches. */
export function elementalOverride(rules: readonly ElementalRule[], blockLabel: string, moduleName: string): number | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    const r = rules[i];
    if (r?.matches(blockLabel, moduleName)) return r.value;
  }
  return undefined;
}
