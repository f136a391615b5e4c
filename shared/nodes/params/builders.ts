/**
 * Builders for ParamField: each returns the zod schema (default filled, human messages on every check)
 * together with its UI hints, so the schema and the form can never disagree.
 * Messages are predicates ("must be at most 100"); validation prefixes the node title and param label.
 */
import { z } from 'zod';
import type { ParamField } from './field.js';
import type { EnumOption, FileFilter, FilePickMode, NumericRange, ShowIf } from './widgets.js';

export interface CommonOptions {
  label: string;
  description: string;
  inline?: boolean;
  advanced?: boolean;
  showIf?: ShowIf;
}

/** Returns a message when the value is not acceptable. */
export type ValueCheck<T> = (value: T) => string | undefined;

function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'string') return 'text';
  return `a ${typeof input}`;
}

const typeError = (expected: string) => (issue: { input?: unknown }) => `must be ${expected}, got ${describeInput(issue.input)}`;

const cloneJson = <T>(v: T): T => (typeof v === 'object' && v !== null ? (JSON.parse(JSON.stringify(v)) as T) : v);

interface FieldRest<T> extends Pick<ParamField<T>, 'widget'> {
  range?: NumericRange;
  /** False for values the user must supply (a file path): the default is a placeholder that fails. */
  defaultIsValid?: boolean;
}

function field<T>(schema: z.ZodType<T>, defaultValue: T, common: CommonOptions, rest: FieldRest<T>): ParamField<T> {
  if (rest.defaultIsValid ?? true) {
    const checked = schema.safeParse(defaultValue);
    if (!checked.success) throw new Error(`param "${common.label}": default ${JSON.stringify(defaultValue)} fails its own schema: ${checked.error.issues[0]?.message ?? ''}`);
  }
  return {
    // prefault, not default: a missing value is replaced and then validated, so a missing file path is
    // reported like an empty one. A factory, so no two nodes ever share (and mutate) one default array.
    schema: schema.prefault(() => cloneJson(defaultValue) as never) as unknown as z.ZodType<T>,
    default: defaultValue,
    label: common.label,
    description: common.description,
    inline: common.inline ?? false,
    advanced: common.advanced ?? false,
    ...(common.showIf ? { showIf: common.showIf } : {}),
    widget: rest.widget,
    ...(rest.range ? { range: rest.range } : {}),
  };
}

function numberSchema(range: NumericRange): z.ZodNumber {
  let s = z.number({ error: typeError(range.integer ? 'a whole number' : 'a number') });
  if (range.integer) s = s.int({ error: 'must be a whole number' });
  if (range.min !== undefined) {
    s = range.exclusiveMin ? s.gt(range.min, { error: `must be greater than ${range.min}` }) : s.gte(range.min, { error: `must be at least ${range.min}` });
  }
  if (range.max !== undefined) s = s.lte(range.max, { error: `must be at most ${range.max}` });
  return s;
}

export interface SliderOptions extends CommonOptions {
  default: number;
  /** The slider's range. */
  min: number;
  max: number;
  step: number;
  /** Hard limits for typed values; default to the slider's range. */
  hardMin?: number;
  hardMax?: number;
  exclusiveMin?: boolean;
}

export function slider(o: SliderOptions): ParamField<number> {
  const range: NumericRange = { min: o.hardMin ?? o.min, max: o.hardMax ?? o.max, ...(o.exclusiveMin ? { exclusiveMin: true } : {}) };
  return field(numberSchema(range), o.default, o, { widget: { kind: 'slider', min: o.min, max: o.max, step: o.step }, range });
}

export interface NumberOptions extends CommonOptions {
  default: number;
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  step?: number;
  unit?: string;
}

function numeric(o: NumberOptions, integer: boolean): ParamField<number> {
  const range: NumericRange = {
    ...(o.min !== undefined ? { min: o.min } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    ...(o.exclusiveMin ? { exclusiveMin: true } : {}),
    ...(integer ? { integer: true } : {}),
  };
  return field(numberSchema(range), o.default, o, {
    widget: { kind: 'number', step: o.step ?? (integer ? 1 : 0.01), integer, ...(o.unit ? { unit: o.unit } : {}) },
    range,
  });
}

export const number = (o: NumberOptions): ParamField<number> => numeric(o, false);
export const integer = (o: NumberOptions): ParamField<number> => numeric(o, true);

export const MAX_SEED = 0xffffffff;

export function seed(o: CommonOptions & { default?: number }): ParamField<number> {
  const range: NumericRange = { min: 0, max: MAX_SEED, integer: true };
  return field(numberSchema(range), o.default ?? 0, o, { widget: { kind: 'seed' }, range });
}

export function boolean(o: CommonOptions & { default: boolean }): ParamField<boolean> {
  return field(z.boolean({ error: typeError('true or false') }), o.default, o, { widget: { kind: 'checkbox' } });
}

export function enumOf<const V extends string>(
  options: readonly EnumOption<V>[],
  o: CommonOptions & { default: NoInfer<V>; display?: 'select' | 'segmented' },
): ParamField<V> {
  const values = options.map((x) => x.value);
  const schema = z.custom<V>((v) => typeof v === 'string' && (values as readonly string[]).includes(v), {
    error: (issue) => `must be one of ${values.join(', ')}, got ${typeof issue.input === 'string' ? `"${issue.input}"` : describeInput(issue.input)}`,
  });
  return field(schema, o.default, o, { widget: { kind: 'enum', options, display: o.display ?? (options.length <= 3 ? 'segmented' : 'select') } });
}

function withCheck<T>(schema: z.ZodType<T>, check: ValueCheck<T> | undefined): z.ZodType<T> {
  if (!check) return schema;
  return schema.superRefine((value, ctx) => {
    const message = check(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  });
}

export interface TextOptions extends CommonOptions {
  default?: string;
  multiline?: boolean;
  monospace?: boolean;
  placeholder?: string;
  check?: ValueCheck<string>;
}

export function text(o: TextOptions): ParamField<string> {
  const schema = withCheck(z.string({ error: typeError('text') }), o.check);
  return field(schema, o.default ?? '', o, {
    widget: { kind: 'text', multiline: o.multiline ?? false, monospace: o.monospace ?? false, ...(o.placeholder ? { placeholder: o.placeholder } : {}) },
  });
}

export interface FileOptions extends CommonOptions {
  mode: FilePickMode;
  filters?: readonly FileFilter[];
  allowDirectory?: boolean;
  /** An empty path is a validation error ("choose a file"). Default true. */
  required?: boolean;
  /** A new node's value (Save nodes: a default file name, relative to the graph's folder). */
  default?: string;
}

export function file(o: FileOptions): ParamField<string> {
  const what = o.mode === 'directory' ? 'a folder' : o.mode === 'save' ? 'where to save' : 'a file';
  let schema: z.ZodType<string> = z.string({ error: typeError('a path') });
  if (o.required ?? true) schema = (schema as z.ZodString).trim().min(1, { error: `is not set: choose ${what}` });
  return field(schema, o.default ?? '', { ...o, inline: o.inline ?? true }, {
    widget: { kind: 'file', mode: o.mode, filters: o.filters ?? [], allowDirectory: o.allowDirectory ?? false },
    defaultIsValid: !(o.required ?? true) || (o.default ?? '') !== '',
  });
}

export interface VectorOptions extends CommonOptions {
  default: number[];
  step?: number;
  lengths?: readonly number[];
  slotNames?: (length: number) => readonly string[] | undefined;
  /** Hard limits of every entry. */
  min?: number;
  max?: number;
}

export function vector(o: VectorOptions): ParamField<number[]> {
  const item = numberSchema({ ...(o.min !== undefined ? { min: o.min } : {}), ...(o.max !== undefined ? { max: o.max } : {}) });
  let schema: z.ZodType<number[]> = z.array(item, { error: typeError('a list of numbers') });
  const lengths = o.lengths;
  if (lengths) {
    schema = withCheck(schema, (v) =>
      v.length === 0 || lengths.includes(v.length) ? undefined : `has ${v.length} values; it takes ${lengths.join(', ')}`,
    );
  }
  return field(schema, o.default, o, {
    widget: { kind: 'vector', step: o.step ?? 0.05, ...(lengths ? { lengths } : {}), ...(o.slotNames ? { slotNames: o.slotNames } : {}) },
  });
}

export interface StringListOptions extends CommonOptions {
  default?: string[];
  items: 'pattern' | 'block' | 'text';
  placeholder?: string;
  /** Checked for each item; the issue path points at the item. */
  checkItem?: ValueCheck<string>;
}

export function stringList(o: StringListOptions): ParamField<string[]> {
  const item = withCheck(z.string({ error: typeError('text') }), o.checkItem);
  const schema: z.ZodType<string[]> = z.array(item, { error: typeError('a list of text') });
  return field(schema, o.default ?? [], o, {
    widget: { kind: 'string-list', items: o.items, ...(o.placeholder ? { placeholder: o.placeholder } : {}) },
  });
}
