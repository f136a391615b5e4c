import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../errors.js';
import { moduleLocation } from './module-location.js';

export const WORKER_SCRIPT_NAME = 'engine-worker.js';

/**
 * Finds dist/engine-worker.js: an explicit path, env LORA_STUDIO_WORKER_SCRIPT, next to the running bundle
 * (dist/cli.js), one folder up (dist/electron/*.cjs), or, when the engine runs from its TypeScript sources
 * (vitest, tsx), the repository's dist/.
 */
export function resolveWorkerScript(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = explicit ?? env.LORA_STUDIO_WORKER_SCRIPT;
  if (override) {
    if (existsSync(override)) return override;
    throw missing([override], 'Check the path given (option or LORA_STUDIO_WORKER_SCRIPT).');
  }
  const here = moduleLocation();
  const candidates = [`./${WORKER_SCRIPT_NAME}`, `../${WORKER_SCRIPT_NAME}`, `../../../dist/${WORKER_SCRIPT_NAME}`].map((rel) => fileURLToPath(new URL(rel, here)));
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw missing(candidates, 'Run `npm run build` (or `node scripts/build.mjs main`) to build it.');
}

function missing(paths: string[], hint: string): EngineError {
  return new EngineError('worker-script-missing', `The engine worker script ${WORKER_SCRIPT_NAME} was not found (looked for ${paths.join(', ')}).`, {
    file: paths[0],
    hint,
  });
}
