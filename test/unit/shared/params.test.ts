import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { byteSizeProblem, compilePattern, isParamVisible, matchesAnyPattern, param, paramValueFromText, parseByteSize, objectSchemaOf } from '../../../shared/nodes/index.js';

const issues = (schema: z.ZodType, value: unknown): string[] => {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => i.message);
};

describe('param builders', () => {
  it('slider: the slider range is soft, the hard range is enforced', () => {
    const f = param.slider({ label: 'Strength', description: '', default: 1, min: -2, max: 2, step: 0.05, hardMin: -100, hardMax: 100 });
    expect(f.widget).toEqual({ kind: 'slider', min: -2, max: 2, step: 0.05 });
    expect(f.range).toEqual({ min: -100, max: 100 });
    expect(issues(f.schema, 50)).toEqual([]);
    expect(issues(f.schema, 120)).toEqual(['must be at most 100']);
    expect(issues(f.schema, 'x')).toEqual(['must be a number, got text']);
    expect(issues(f.schema, Number.POSITIVE_INFINITY).length).toBe(1);
  });

  it('exclusive minimum (density in (0, 1])', () => {
    const f = param.slider({ label: 'Density', description: '', default: 0.5, min: 0, max: 1, step: 0.01, exclusiveMin: true });
    expect(issues(f.schema, 0)).toEqual(['must be greater than 0']);
    expect(issues(f.schema, 1)).toEqual([]);
    expect(issues(f.schema, 1.01)).toEqual(['must be at most 1']);
  });

  it('integers and seeds', () => {
    const r = param.integer({ label: 'Rank', description: '', default: 8, min: 1 });
    expect(r.widget).toMatchObject({ kind: 'number', integer: true, step: 1 });
    expect(issues(r.schema, 2.5)).toEqual(['must be a whole number']);
    expect(issues(r.schema, 0)).toEqual(['must be at least 1']);
    const s = param.seed({ label: 'Seed', description: '' });
    expect(issues(s.schema, 2 ** 32)).toEqual([`must be at most ${2 ** 32 - 1}`]);
    expect(issues(s.schema, -1)).toEqual(['must be at least 0']);
  });

  it('enum: typed values and a message listing the options', () => {
    const f = param.enumOf([{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }] as const, { label: 'E', description: '', default: 'a' });
    expect(f.widget).toMatchObject({ kind: 'enum', display: 'segmented' });
    expect(issues(f.schema, 'c')).toEqual(['must be one of a, b, got "c"']);
    expect(issues(f.schema, 3)).toEqual(['must be one of a, b, got a number']);
  });

  it('a default that fails its own schema is a programming error', () => {
    expect(() => param.integer({ label: 'Rank', description: '', default: 0, min: 1 })).toThrow(/default 0 fails/);
  });

  it('file: required paths fail when empty or missing, optional ones do not', () => {
    const f = param.file({ label: 'LoRA', description: '', mode: 'open', filters: [{ name: 'safetensors', extensions: ['safetensors'] }] });
    expect(f.inline).toBe(true);
    expect(issues(f.schema, '  ')).toEqual(['is not set: choose a file']);
    expect(issues(f.schema, undefined)).toEqual(['is not set: choose a file']);
    expect(issues(f.schema, 'a.safetensors')).toEqual([]);
    const o = param.file({ label: 'Out', description: '', mode: 'save', required: false });
    expect(issues(o.schema, '')).toEqual([]);
  });

  it('vector: allowed lengths (empty allowed: "not set")', () => {
    const f = param.vector({ label: 'W', description: '', default: [], lengths: [12, 17], max: 10 });
    expect(issues(f.schema, [])).toEqual([]);
    expect(issues(f.schema, new Array(17).fill(1))).toEqual([]);
    expect(issues(f.schema, [1, 2])).toEqual(['has 2 values; it takes 12, 17']);
    expect(issues(f.schema, [...new Array(16).fill(1), 11])).toEqual(['must be at most 10']);
  });

  it('string lists check each item, and the issue points at it', () => {
    const f = param.stringList({ label: 'P', description: '', items: 'pattern', checkItem: (s) => (s.startsWith('x') ? 'no x' : undefined) });
    const r = f.schema.safeParse(['a', 'xb']);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues[0]).toMatchObject({ path: [1], message: 'no x' });
  });

  it('a missing value gets its default, as a fresh copy', () => {
    const schema = objectSchemaOf({ v: param.vector({ label: 'V', description: '', default: [1, 2] }), n: param.number({ label: 'N', description: '', default: 3 }) });
    const a = schema.parse({});
    const b = schema.parse({});
    expect(a).toEqual({ v: [1, 2], n: 3 });
    a.v.push(9);
    expect(b.v).toEqual([1, 2]);
    expect(schema.parse({}).v).toEqual([1, 2]);
  });

  it('showIf decides visibility from another param', () => {
    const f = param.number({ label: 'D', description: '', default: 1, showIf: { param: 'method', oneOf: ['ties', 'dare'] } });
    expect(isParamVisible(f, { method: 'ties' })).toBe(true);
    expect(isParamVisible(f, { method: 'concat' })).toBe(false);
    expect(isParamVisible(param.boolean({ label: 'B', description: '', default: true }), {})).toBe(true);
  });
});

describe('param values from text (CLI --set)', () => {
  const num = param.number({ label: 'N', description: '', default: 1 });
  it('converts by widget', () => {
    expect(paramValueFromText(num, '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(paramValueFromText(num, 'abc')).toMatchObject({ ok: false });
    expect(paramValueFromText(param.boolean({ label: 'B', description: '', default: false }), 'yes')).toEqual({ ok: true, value: true });
    expect(paramValueFromText(param.boolean({ label: 'B', description: '', default: false }), 'maybe')).toMatchObject({ ok: false });
    const vec = param.vector({ label: 'V', description: '', default: [] });
    expect(paramValueFromText(vec, '1, 0.5,0')).toEqual({ ok: true, value: [1, 0.5, 0] });
    expect(paramValueFromText(vec, '[1,2]')).toEqual({ ok: true, value: [1, 2] });
    expect(paramValueFromText(vec, '1,x')).toMatchObject({ ok: false, message: '"x" is not a number' });
    const list = param.stringList({ label: 'L', description: '', items: 'pattern' });
    expect(paramValueFromText(list, 'attn1, to_k')).toEqual({ ok: true, value: ['attn1', 'to_k'] });
    expect(paramValueFromText(list, '["re:a{1,2}"]')).toEqual({ ok: true, value: ['re:a{1,2}'] });
    expect(paramValueFromText(param.text({ label: 'T', description: '' }), 'a,b')).toEqual({ ok: true, value: 'a,b' });
  });
});

describe('layer-name patterns', () => {
  it('plain text is a substring, globs match the whole name, re: is a regex', () => {
    const names = ['unet.down.attn1.to_q', 'unet.down.attn2.to_k', 'te.layers.0.mlp.fc1'];
    const pick = (p: string) => names.filter((n) => matchesAnyPattern([p], n));
    expect(pick('attn')).toEqual(names.slice(0, 2));
    expect(pick('*.to_k')).toEqual(['unet.down.attn2.to_k']);
    expect(pick('to_k')).toEqual(['unet.down.attn2.to_k']);
    expect(pick('unet.*')).toEqual(names.slice(0, 2));
    expect(pick('te.layers.?.mlp.fc1')).toEqual(['te.layers.0.mlp.fc1']);
    expect(pick('re:attn[12]\\.to_(q|k)$')).toEqual(names.slice(0, 2));
    expect(pick('re:^te')).toEqual(['te.layers.0.mlp.fc1']);
  });

  it('reports invalid patterns, which match nothing', () => {
    expect(compilePattern('re:(')).toMatchObject({ ok: false });
    expect(compilePattern(' ')).toMatchObject({ ok: false, message: 'empty pattern' });
    expect(compilePattern('re:')).toMatchObject({ ok: false });
    expect(matchesAnyPattern(['re:('], '(')).toBe(false);
  });
});

describe('byte sizes', () => {
  it('parses decimal and binary units, empty for no limit', () => {
    expect(parseByteSize('5GB')).toEqual({ ok: true, bytes: 5e9 });
    expect(parseByteSize('4GiB')).toEqual({ ok: true, bytes: 4 * 2 ** 30 });
    expect(parseByteSize('1.5 gb')).toEqual({ ok: true, bytes: 1.5e9 });
    expect(parseByteSize('2000000000')).toEqual({ ok: true, bytes: 2e9 });
    expect(parseByteSize('')).toEqual({ ok: true, bytes: 0 });
    expect(parseByteSize('0')).toEqual({ ok: true, bytes: 0 });
    expect(byteSizeProblem('5 parsecs')).toMatch(/not a size/);
    expect(parseByteSize('500KB')).toEqual({ ok: true, bytes: 500_000 });
    expect(parseByteSize('5G')).toEqual({ ok: true, bytes: 5e9 });
  });
});
