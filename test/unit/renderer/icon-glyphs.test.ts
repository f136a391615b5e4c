/**
 * Icons are text: every non-ASCII character the UI draws must be one that DejaVu (the font CI installs,
 * fonts-dejavu-core) has, so no icon becomes an empty box. Emoji (outside the Basic Multilingual Plane) are refused.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../../../renderer/src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.tsx') ? [p] : [];
  });
}

describe('icon glyphs', () => {
  it('no emoji in the renderer’s components', () => {
    const found = files(ROOT).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/\p{Extended_Pictographic}/gu)].filter((m) => (m[0].codePointAt(0) ?? 0) > 0xffff).map((m) => `${path.relative(ROOT, f)}: ${m[0]}`));
    expect(found).toEqual([]);
  });
});
