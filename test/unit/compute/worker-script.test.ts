import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveWorkerScript } from '../../../main/engine/compute/worker-script.js';
import { EngineError } from '../../../main/engine/errors.js';

describe('resolveWorkerScript', () => {
  it('from the TypeScript sources, finds the repository build (made by the global setup)', () => {
    const script = resolveWorkerScript(undefined, {});
    expect(script).toBe(path.resolve('dist/engine-worker.js'));
    expect(existsSync(script)).toBe(true);
  });

  it('an explicit or env path wins, and a missing one is a clear error', () => {
    const built = path.resolve('dist/engine-worker.js');
    expect(resolveWorkerScript(undefined, { LORA_STUDIO_WORKER_SCRIPT: built })).toBe(built);
    let err: unknown;
    try {
      resolveWorkerScript(undefined, { LORA_STUDIO_WORKER_SCRIPT: '/nowhere/engine-worker.js' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('worker-script-missing');
    expect((err as EngineError).file).toBe('/nowhere/engine-worker.js');
  });

  it('tells people to build when nothing is found', () => {
    // Pretend to be a copy of the sources without a dist/ next to them.
    expect(() => resolveWorkerScript('/also/nowhere.js')).toThrow(/was not found/);
  });
});
