#!/usr/bin/env node
// Fails (exit 1) on any import cycle among the files of main/ and shared/, type-only imports included: a cycle
// means two files that cannot be read, tested or moved one without the other. Run by `npm test`; the graph is
// dpdm's (TypeScript's parser, './x.js' resolved to x.ts).
//   node scripts/check-cycles.mjs [repoRoot]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCircular, parseDependencyTree } from 'dpdm';

const FILES = ['main/**/*.ts', 'shared/**/*.ts'];

export async function findCycles(root) {
  const context = path.resolve(root);
  // The repository's compiler options (moduleResolution Bundler: './x.js' is x.ts), whichever tree is checked.
  const tsconfig = fileURLToPath(new URL('../tsconfig.base.json', import.meta.url));
  const tree = await parseDependencyTree(FILES, { cwd: context, context, tsconfig, transform: false, skipDynamicImports: false });
  return parseCircular(tree);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cycles = await findCycles(process.argv[2] ?? '.');
  if (cycles.length === 0) {
    console.log('No import cycles in main/ and shared/.');
  } else {
    console.error(`${cycles.length} import cycle(s) in main/ and shared/ (each file imports the next, the last the first):`);
    for (const c of cycles) console.error(`  ${c.join(' -> ')}`);
    console.error('Move what both need to a lower file, or pass a function in instead of importing it.');
    process.exitCode = 1;
  }
}
