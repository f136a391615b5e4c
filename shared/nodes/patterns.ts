/**
 * Layer-name patterns, as Select Layers, New LoRA and Inspect take them:
 *   plain text      matches names that contain it ("attn1" matches every module with attn1 in its name)
 *   glob            has * or ?: matched against the whole name; * may cross dots ("*.to_q", "*attn2*")
 *   re:<regex>      a JavaScript regular expression, searched (anchor it with ^ and $ yourself)
 * Matching is case-sensitive, as module names are.
 */
export type CompiledPattern = { ok: true; source: string; test: (name: string) => boolean } | { ok: false; source: string; message: string };

const escapeRegExp = (s: string): string => s.replace(/[.+^${}()|[\]\\]/g, '\\$&');

export function compilePattern(pattern: string): CompiledPattern {
  const source = pattern.trim();
  if (source === '') return { ok: false, source, message: 'empty pattern' };
  if (source.startsWith('re:')) {
    const body = source.slice(3);
    if (body === '') return { ok: false, source, message: 'empty regular expression after "re:"' };
    try {
      const re = new RegExp(body);
      return { ok: true, source, test: (name) => re.test(name) };
    } catch (e) {
      return { ok: false, source, message: `invalid regular expression: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  if (!/[*?]/.test(source)) return { ok: true, source, test: (name) => name.includes(source) };
  const re = new RegExp(`^${escapeRegExp(source).replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return { ok: true, source, test: (name) => re.test(name) };
}

/** A message when the pattern is not valid (for param checks). */
export function patternProblem(pattern: string): string | undefined {
  const c = compilePattern(pattern);
  return c.ok ? undefined : `"${c.source}": ${c.message}`;
}

/** True when any valid pattern matches; invalid patterns match nothing (validation reports them). */
export function matchesAnyPattern(patterns: readonly string[], name: string): boolean {
  return patterns.some((p) => {
    const c = compilePattern(p);
    return c.ok && c.test(name);
  });
}
