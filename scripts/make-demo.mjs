#!/usr/bin/env node
// Generates the demo files the example graphs use (assets/demo/, gitignored): a tiny SD 1.5 checkpoint with
// real key names and its fine-tuned sibling, kohya LoRAs (style, character, LoCon), a tiny DistilBERT with two
// PEFT adapters. Deterministic: the same bytes on every machine. Runs the engine's TypeScript through tsx.
//   node scripts/make-demo.mjs [--out <dir>] [--force]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const dir = path.resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : path.join(root, 'assets', 'demo'));
const force = args.includes('--force');

const { ensureDemoFiles, generateDemoFiles } = await tsImport('../main/engine/demo/index.ts', import.meta.url);
const t0 = Date.now();
const result = force ? await generateDemoFiles(dir) : await ensureDemoFiles(dir);
console.log(result.generated ? `demo files written to ${dir} in ${Date.now() - t0} ms` : `demo files in ${dir} are up to date (--force to rewrite)`);
for (const f of result.files) console.log(`  ${path.relative(root, f)}`);
