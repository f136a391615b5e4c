/**
 * The layer rules hold on resolved paths: each rule of eslint.layers.js fails on a planted import (a virtual file
 * at a real path, linted with the repository's own ESLint config), however the path is spelled; and the cycle
 * check of `npm test` fails on a planted cycle.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve('.');
const eslint = new ESLint({ cwd: root });

/** The boundaries messages ESLint gives a virtual file `file` whose only code is `code`. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

const importOf = (spec: string): string => `import * as planted from '${spec}';\nexport const used = planted;\n`;

describe('layer rules (eslint-plugin-boundaries on resolved paths)', () => {
  const violations: [string, string, string, string][] = [
    // [rule, planted file, specifier, the layer named in the message]
    ['the engine never imports a shell (spelled as today)', 'main/engine/ops/apply/planted.ts', '../../../cli/program.js', 'cli'],
    ['the engine never imports a shell (spelled another way)', 'main/engine/ops/apply/planted.ts', './../../../engine/../cli/program.js', 'cli'],
    ['the engine never imports the renderer', 'main/engine/graph/planted.ts', '../../../renderer/src/app/App.js', 'renderer'],
    ['compute imports no ops', 'main/engine/compute/planted.ts', '../ops/probe/probe-task.js', 'engine-ops'],
    ['below ops nothing imports ops', 'main/engine/values/planted.ts', '../ops/inspect-file.js', 'engine-ops'],
    ['ops import nothing that runs them', 'main/engine/ops/probe/planted.ts', '../../graph/executor.js', 'engine-runner'],
    ['electron never imports browser mode', 'main/electron/planted.ts', '../server/serve.js', 'server'],
    ['browser mode never imports electron', 'main/server/planted.ts', '../electron/menu.js', 'electron'],
    ['the shell layer imports neither shell', 'main/shell/planted.ts', '../server/serve.js', 'server'],
    ['the CLI never imports electron', 'main/cli/planted.ts', '../electron/menu.js', 'electron'],
    ['the CLI never imports ops (a CLI operation is a graph)', 'main/cli/commands/planted.ts', '../../engine/ops/inspect-file.js', 'engine-ops'],
    ['the CLI never imports export', 'main/cli/planted.ts', '../engine/export/recipe.js', 'engine-ops'],
    ['only serve.ts of the CLI imports browser mode', 'main/cli/commands/planted.ts', '../../server/serve.js', 'server'],
    ['shared/ imports no main/', 'shared/graph/planted.ts', '../../main/engine/errors.js', 'engine'],
    ['the renderer imports only shared/', 'renderer/src/app/planted.ts', '../../../main/engine/errors.js', 'engine'],
    ['preload imports only shared/', 'main/preload/planted.ts', '../engine/errors.js', 'engine'],
  ];

  it.each(violations)('%s', async (_rule, file, spec, layer) => {
    const errors = await layerErrors(file, importOf(spec));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`"${layer}"`);
  });

  const allowed: [string, string, string][] = [
    ['serve.ts starts browser mode', 'main/cli/commands/serve.ts', '../../server/serve.js'],
    ['the CLI writes graph files as the app does', 'main/cli/commands/planted.ts', '../../shell/platform/graph-files.js'],
    ['electron uses the engine', 'main/electron/planted.ts', '../engine/errors.js'],
    ['browser mode uses the engine', 'main/server/planted.ts', '../engine/errors.js'],
    ['ops use compute', 'main/engine/ops/probe/planted.ts', '../../compute/matmul.js'],
    ['the renderer uses shared/', 'renderer/src/app/planted.ts', '../../../shared/graph/document.js'],
  ];

  it.each(allowed)('allows: %s', async (_rule, file, spec) => {
    expect(await layerErrors(file, importOf(spec))).toEqual([]);
  });
});

describe('import cycle check (scripts/check-cycles.mjs)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  const check = (dir: string): { code: number; output: string } => {
    try {
      const output = execFileSync(process.execPath, ['scripts/check-cycles.mjs', dir], { cwd: root, encoding: 'utf8', stdio: 'pipe' });
      return { code: 0, output };
    } catch (err) {
      const e = err as { status: number; stderr: string };
      return { code: e.status, output: e.stderr };
    }
  };

  it('finds none in main/ and shared/', () => {
    expect(check(root)).toEqual({ code: 0, output: 'No import cycles in main/ and shared/.\n' });
  });

  it('fails on a planted cycle, type-only imports included', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lora-studio-cycles-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'main', 'engine'), { recursive: true });
    mkdirSync(path.join(dir, 'shared'));
    writeFileSync(path.join(dir, 'main', 'engine', 'a.ts'), "import type { B } from '../../shared/b.js';\nexport interface A { b?: B }\n");
    writeFileSync(path.join(dir, 'shared', 'b.ts'), "import type { A } from '../main/engine/a.js';\nexport interface B { a?: A }\n");
    const { code, output } = check(dir);
    expect(code).toBe(1);
    expect(output).toContain('1 import cycle(s)');
    expect(output).toMatch(/main\/engine\/a\.ts -> shared\/b\.ts|shared\/b\.ts -> main\/engine\/a\.ts/);
  });
});
