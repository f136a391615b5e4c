/**
 * The CLI is a shell over the graph: it compiles flags into a graph document and runs it through the engine
 * service, so nothing under main/cli may import the engine's operations (main/engine/ops) or writers
 * (main/engine/export). Imports are checked by the path they resolve to, not by their text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/cli.js';

const FORBIDDEN = ['main/engine/ops', 'main/engine/export'].map((d) => path.join(repoRoot, d));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function specifiers(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
    const s = m[1] ?? m[2] ?? m[3];
    if (s !== undefined && s.startsWith('.')) out.push(s);
  }
  return out;
}

/** The forbidden imports of one file, as resolved paths. */
function violations(file: string, text: string): string[] {
  return specifiers(text)
    .map((s) => path.resolve(path.dirname(file), s))
    .filter((resolved) => FORBIDDEN.some((dir) => resolved === dir || resolved.startsWith(`${dir}${path.sep}`)));
}

describe('main/cli boundary', () => {
  it('imports nothing from main/engine/ops or main/engine/export', () => {
    const files = sourceFiles(path.join(repoRoot, 'main/cli'));
    expect(files.length).toBeGreaterThan(10);
    const found = files.flatMap((f) => violations(f, readFileSync(f, 'utf8')).map((v) => `${path.relative(repoRoot, f)} → ${path.relative(repoRoot, v)}`));
    expect(found).toEqual([]);
  });

  it('catches a planted violation however the path is spelled', () => {
    const file = path.join(repoRoot, 'main/cli/commands/planted.ts');
    expect(violations(file, "import { saveModel } from '../../engine/export/save-model.js';")).toHaveLength(1);
    expect(violations(file, "import type { X } from '../../engine/graph/../ops/load.js';")).toHaveLength(1);
    expect(violations(file, "export { y } from '../../engine/ops/index.js';")).toHaveLength(1);
    expect(violations(file, "const m = await import('../../engine/ops/load.js');")).toHaveLength(1);
    expect(violations(file, "import { createEngineService } from '../../engine/service/engine-service.js';")).toHaveLength(0);
  });

  it('keeps the CLI’s own orchestration of the compiled commands to a few hundred lines of code', () => {
    const files = ['commands/merge.ts', 'commands/combine.ts', 'commands/resize.ts', 'commands/extract.ts', 'graph-builder.ts', 'graph-command.ts', 'graph-runner.ts', 'block-weights-option.ts', 'lora-output-options.ts'];
    const code = (text: string): number => text.split('\n').filter((l) => l.trim() !== '' && !/^\s*(\*|\/\*\*|\/\/)/.test(l) && !/^(import |} from )/.test(l)).length;
    const lines = files.reduce((n, f) => n + code(readFileSync(path.join(repoRoot, 'main/cli', f), 'utf8')), 0);
    // Option registration (with help derived from the node params) included; comments and imports not.
    expect(lines).toBeLessThan(600);
  });
});
