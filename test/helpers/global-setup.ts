import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Integration tests run the bundled CLI and the engine's worker threads from dist/: build them once.
 * Every temp folder the tests make (the test files, the CLI processes and Chromium they start inherit TMPDIR)
 * lies under one folder per run, removed when the run ends: a full run makes gigabytes of models.
 */
export default function setup(): () => void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'main', '--quiet'], { stdio: 'inherit', cwd: root });
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'lora-studio-tests-'));
  process.env.TMPDIR = runDir;
  return () => rmSync(runDir, { recursive: true, force: true });
}
