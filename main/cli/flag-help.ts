/**
 * Help text of a flag that sets a node param, derived from the param itself: its description (or the
 * command's wording), its choices and its default, so `--help` prints the default the graph really uses.
 */
import type { ParamField } from '../../shared/nodes/params/field.js';

export function formatDefault(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.join(',');
  if (value === '') return 'none';
  return String(value);
}

export function paramHelp(field: ParamField, text: string = field.description): string {
  const choices = field.widget.kind === 'enum' ? ` (${field.widget.options.map((o) => o.value).join(' | ')})` : '';
  return `${text}${choices}; default ${formatDefault(field.default)}`;
}
