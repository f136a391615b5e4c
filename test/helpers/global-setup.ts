import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Integration tests run the bundled CLI and the engine's worker threads from dist/: build them once.
export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync(process.execPath, [path.join(root, 'scripts/build.mjs'), 'main', '--quiet'], { stdio: 'inherit', cwd: root });
}
