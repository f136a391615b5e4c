#!/usr/bin/env node
// The installed `lora-studio` command: runs the bundled CLI (built by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(cli)) {
  console.error(`lora-studio: ${cli} is missing. Run \`npm run build\` in the package directory first.`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
