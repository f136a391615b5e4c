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
  // Vitest runs this once for the root and once per project: the first call makes the folder. Its name is
  // short because Chromium's and the tests' Unix sockets live under it (108 bytes for a socket's path).
  if (process.env.LORA_STUDIO_TEST_TMPDIR) return () => undefined;
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'lst-'));
  process.env.TMPDIR = runDir;
  process.env.LORA_STUDIO_TEST_TMPDIR = runDir;
  return () => rmSync(runDir, { recursive: true, force: true });
}
